package com.deploystack.backend;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import com.deploystack.backend.support.RawHttp;
import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The packaged jar: one-command start on the embedded server, and a clean stop on SIGTERM. */
class ShutdownIT {

    @TempDir
    Path work;

    @Test
    void theJarRunsOnItsEmbeddedServerAndSigtermStopsIt() throws Exception {
        Path data = work.resolve("persistent_data");
        try (ServiceProcess service = ServiceProcess.start(Map.of(), data)) {
            service.awaitHttp(Duration.ofSeconds(90));
            int postgresPort = Integer.parseInt(service.awaitOutput(
                    Pattern.compile("Embedded PostgreSQL listening on localhost:(\\d+)"), Duration.ofSeconds(30)));
            assertThat(service.get("/api/db/status").body(), containsString("\"configured\":true"));
            assertThat(service.setup().statusCode(), is(200));
            new Socket("localhost", postgresPort).close();

            service.terminate(Duration.ofSeconds(30));
            assertThrows(IOException.class, () -> new Socket("localhost", postgresPort).close(),
                         "the embedded PostgreSQL stops with the service");
            assertThat(service.output(), not(containsString("Exception")));
        }
        try (ServiceProcess again = ServiceProcess.start(Map.of(), data)) {
            again.awaitHttp(Duration.ofSeconds(90));
            again.awaitOutput(Pattern.compile("(Database initialized)"), Duration.ofSeconds(60));
            assertThat(again.get("/api/db/status").body(), containsString("\"initialized\":true"));
        }
    }

    @Test
    void sigtermClosesEveryPooledConnection() throws Exception {
        TestPostgres postgres = TestPostgres.get();
        String database = postgres.createDatabase("shutdown");
        try (ServiceProcess service = ServiceProcess.start(postgres.environment(database), work.resolve("data"))) {
            service.awaitHttp(Duration.ofSeconds(60));
            assertThat(service.setup().statusCode(), is(200));
            assertThat(connectionsOf(database), Matchers.greaterThan(0L));
            service.terminate(Duration.ofSeconds(30));
            // a backend leaves pg_stat_activity a moment after its client closed the connection
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (connectionsOf(database) > 0 && System.nanoTime() < deadline) {
                TestService.sleep(20);
            }
            assertThat(connectionsOf(database), is(0L));
            assertThat(service.output(), not(containsString(TestPostgres.PASSWORD)));
        }
    }

    @Test
    void aRequestInFlightWhenSigtermArrivesStillCompletes() throws Exception {
        TestPostgres postgres = TestPostgres.get();
        String database = postgres.createDatabase("inflight");
        ScriptRepository repository =
                ScriptRepository.copyOfProject(
                        Files.createDirectories(work.resolve("migrations")));
        repository.write("29990101000000_slow.sql", "SELECT pg_sleep(2);", "");
        Map<String, String> env = new HashMap<>(postgres.environment(database));
        env.put("PATHS_MIGRATIONS", repository.root().toString());
        try (ServiceProcess service = ServiceProcess.start(env, work.resolve("data"))) {
            service.awaitHttp(Duration.ofSeconds(60));
            CompletableFuture<Integer> setup =
                    CompletableFuture.supplyAsync(() -> service.setup().statusCode());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (connections(database, "pg_sleep(2)") == 0) {
                assertThat("setup never reached the slow script", System.nanoTime() < deadline, is(true));
                Thread.sleep(20);
            }
            service.terminate(Duration.ofSeconds(30));
            assertThat("the in-flight setup completed", setup.get(), is(200));
            assertThat(Files.exists(work.resolve("data").resolve("db.selection.json")), is(true));
        }
    }

    @Test
    void sigtermTurnsReadinessDownAtOnceAndServesThroughTheDrainClosingEachConnection() throws Exception {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("drain")));
        env.put("HTTP_DRAIN", "4000");
        try (ServiceProcess service = ServiceProcess.start(env, work.resolve("data"))) {
            service.awaitHttp(Duration.ofSeconds(60));
            assertThat(service.setup().statusCode(), is(200));
            assertThat(service.get("/observe/health/ready").statusCode(), is(200));
            try (Socket idle = new Socket("127.0.0.1", service.port())) {
                idle.getOutputStream().write("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                idle.setSoTimeout(3000);
                byte[] answer = new byte[4096];
                assertThat(idle.getInputStream().read(answer) > 0, is(true));
                long sigterm = System.nanoTime();

                service.signalTerminate();

                HttpResponse<String> ready = awaitReadiness(service, 503, Duration.ofSeconds(2));
                assertThat(ready.body(), containsString("\"name\":\"shutdown\",\"status\":\"DOWN\""));
                RawHttp.Exchange during = RawHttp.exchange(
                        service.port(), "GET /api/db/status HTTP/1.1\r\nHost: x\r\n\r\n", Duration.ofSeconds(2));
                assertThat("still serving while draining", during.statuses(), is(List.of(200)));
                assertThat(during.head(), containsString("connection: close"));
                assertThat("the answer closed its connection", during.closedByServer(), is(true));
                assertThat("the idle kept-alive connection was closed", idle.getInputStream().read(answer), is(-1));
                assertThat("the drain lasted its period", (System.nanoTime() - sigterm) / 1_000_000L,
                           Matchers.lessThan(4000L));
            }
            service.terminate(Duration.ofSeconds(30));
            assertThat(service.output(), containsString("Shutting down: readiness is DOWN; serving for 4000 ms"));
        }
    }

    @Test
    void aPortInUseEndsTheProcessWithOneLineAndAFailureStatus() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Map<String, String> env = Map.of("SERVER_PORT", Integer.toString(taken.getLocalPort()),
                                             "PATHS_DATA", work.resolve("data").toString());
            ServiceProcess.Result result = ServiceProcess.run(env, Duration.ofSeconds(60));

            assertThat(result.exitCode(), is(1));
            assertThat(result.output(), containsString("Cannot listen on 0.0.0.0:" + taken.getLocalPort()
                                                       + ": Address already in use"));
            assertThat(result.output(), not(containsString("Exception")));
            assertThat("nothing started before the port was checked", result.output(),
                       not(containsString("Embedded PostgreSQL listening")));
        }
    }

    private static HttpResponse<String> awaitReadiness(ServiceProcess service, int status,
                                                                     Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> ready = service.get("/observe/health/ready");
        while (ready.statusCode() != status && System.nanoTime() < deadline) {
            TestService.sleep(20);
            ready = service.get("/observe/health/ready");
        }
        assertThat(ready.body(), ready.statusCode(), is(status));
        return ready;
    }

    private static long connections(String database, String runningQuery) throws Exception {
        try (Connection connection = TestPostgres.get().connect("postgres");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                                                     + database + "' AND query LIKE '%" + runningQuery + "%'"
                                                     + " AND state = 'active'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long connectionsOf(String database) throws Exception {
        try (Connection connection = TestPostgres.get().connect("postgres");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                                                     + database + "' AND application_name LIKE 'deploystack-db%'")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
