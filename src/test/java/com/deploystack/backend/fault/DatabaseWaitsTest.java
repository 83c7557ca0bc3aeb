package com.deploystack.backend.fault;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.deploystack.backend.db.MigrationLock;
import com.deploystack.backend.support.StoppablePostgres;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * Every wait on PostgreSQL is bounded, on a server of the test's own: frozen with SIGSTOP, requests answer 503
 * within their timeouts and readiness says DOWN, then all recovers after SIGCONT; a session holding a table lock
 * costs the requests that need that table a 503 within the statement timeout and nothing else; setup and start-up
 * waiting for another session's lock say whom they wait for, and a setup that gives up names it.
 */
@Tag("fault")
class DatabaseWaitsTest {

    private static final String TOKEN = "waits-test-admin-token";
    private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
    private static final String REVOKE_EXPIRED = "/api/admin/tokens/revoke-expired";
    /** Small bounds so that the test is short: connect 1 s, statement 1.5 s, socket 3 s, lock 300 ms, patience 3 s. */
    private static final Map<String, String> BOUNDS = Map.of(
            "db.timeout.connect", "1000", "db.timeout.statement", "1500", "db.timeout.socket", "3000",
            "db.lock.timeout", "300", "db.lock.patience", "3000", "health.probe.timeout", "1000",
            "health.probe.cache", "0");
    /** The longest a request may take while PostgreSQL hangs: socket timeout plus connect timeout, plus slack. */
    private static final long BOUND_MILLIS = 3000 + 1000 + 1500;

    @TempDir
    Path data;
    private StoppablePostgres postgres;
    private TestService service;
    private final List<Connection> holders = new ArrayList<>();

    @BeforeEach
    void start() {
        postgres = new StoppablePostgres();
        service = start(postgres);
    }

    @AfterEach
    void stop() throws Exception {
        for (Connection holder : holders) {
            holder.close();
        }
        service.close();
        postgres.close();
    }

    @Test
    void aFrozenPostgresTurnsEveryRequestInto503WithinItsTimeoutsAndAllRecoversAfterwards() throws Exception {
        assertThat(service.setup().status(), is(200));
        String team = createTeam("frozen");
        postgres.freeze();
        long frozenAt = System.nanoTime();
        List<Long> millis = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(20)) {
            List<Future<long[]>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                boolean teams = i % 2 == 0;
                answers.add(clients.submit(() -> {
                    long start = System.nanoTime();
                    int status = (teams ? service.request("GET", "/api/teams/" + team, null, AUTH)
                            : service.request("POST", REVOKE_EXPIRED, null, AUTH)).status();
                    return new long[] {status, (System.nanoTime() - start) / 1_000_000};
                }));
            }
            for (Future<long[]> answer : answers) {
                statuses.add((int) answer.get()[0]);
                millis.add(answer.get()[1]);
            }
        }
        System.out.println("[frozen] statuses " + statuses + ", ms " + millis);
        assertThat(statuses, everyItem(is(503)));
        assertThat(millis, everyItem(lessThan(BOUND_MILLIS)));
        assertThat(service.get("/observe/health/ready").status(), is(503));
        assertThat("the frozen server was still frozen while all of this answered",
                   (System.nanoTime() - frozenAt) / 1_000_000, lessThan(20_000L));

        postgres.thaw();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (service.request("GET", "/api/teams/" + team, null, AUTH).status() != 200) {
            assertThat("the pool recovers after SIGCONT", System.nanoTime() < deadline, is(true));
            TestService.sleep(100);
        }
        assertThat(service.request("POST", REVOKE_EXPIRED, null, AUTH).status(), is(200));
        assertThat(service.get("/observe/health/ready").status(), is(200));
    }

    @Test
    void aLockOnTeamsCostsTheTeamRequestsA503WithinTheStatementTimeoutAndNothingElse() throws Exception {
        assertThat(service.setup().status(), is(200));
        String team = createTeam("locked");
        hold("lock-holder-test", "LOCK TABLE teams IN ACCESS EXCLUSIVE MODE");
        List<Integer> statuses = new ArrayList<>();
        List<Long> millis = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(30)) {
            List<Future<long[]>> answers = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                answers.add(clients.submit(() -> {
                    long start = System.nanoTime();
                    int status = service.request("PUT", "/api/teams/" + team, "{\"name\":\"renamed\"}", AUTH).status();
                    return new long[] {status, (System.nanoTime() - start) / 1_000_000};
                }));
            }
            for (Future<long[]> answer : answers) {
                statuses.add((int) answer.get()[0]);
                millis.add(answer.get()[1]);
            }
        }
        System.out.println("[locked] statuses " + statuses + ", ms " + millis);
        assertThat(statuses, everyItem(is(503)));
        assertThat(millis, everyItem(lessThan(BOUND_MILLIS)));
        TestService.Response timedOut = service.request("GET", "/api/teams/" + team, null, AUTH);
        assertThat(timedOut.body(), containsString("did not answer in time"));
        for (int i = 0; i < 10; i++) {
            assertThat("with the lock still held, routes that do not need the table answer: no connection leaked",
                       service.request("POST", REVOKE_EXPIRED, null, AUTH).status(), is(200));
        }
        assertThat(service.get("/observe/health/ready").status(), is(200));
        releaseHolders();
        assertThat(service.request("PUT", "/api/teams/" + team, "{\"name\":\"renamed\"}", AUTH).status(), is(200));
    }

    @Test
    void setupWaitingForAnotherSessionsMigrationLockSaysWhoHoldsItAndGivesUpNamingIt() throws Exception {
        hold("other-replica", "SELECT pg_advisory_xact_lock(" + MigrationLock.KEY + ")");
        try (ExecutorService client = Executors.newSingleThreadExecutor()) {
            Future<TestService.Response> setup = client.submit(service::setup);
            String waiting = awaitWaitingFor("the migration lock held by other-replica");
            assertThat(waiting, containsString("idle in transaction since"));
            TestService.Response refused = setup.get();
            assertThat(refused.body(), refused.status(), is(503));
            assertThat(refused.json().getString("error"), containsString("held by other-replica (pid"));
        }
        assertThat(service.status().containsKey("waiting_for"), is(false));
        assertThat(TestService.logs().stream().anyMatch(line -> line.contains(
                "Waiting for the migration lock held by other-replica")), is(true));
        releaseHolders();
        assertThat(service.setup().status(), is(200));
    }

    @Test
    void aStartWaitingForATableLockSaysWhoHoldsItAndGoesOnOnceItIsReleased() throws Exception {
        assertThat(service.setup().status(), is(200));
        service.close();
        hold("settings-locker", "LOCK TABLE global_settings IN ACCESS EXCLUSIVE MODE");
        service = start(postgres);
        String waiting = awaitWaitingFor("a lock held by settings-locker");
        assertThat(service.status().getString("phase"), is("INITIALIZING"));
        assertThat(waiting, containsString("(pid "));
        releaseHolders();
        service.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
        assertThat(service.status().containsKey("waiting_for"), is(false));
    }

    @Test
    void setupsSentWhilePostgresIsDownAllFailWithinTheConnectTimeoutInsteadOfQueueing() throws Exception {
        postgres.stop();
        List<Long> millis = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
            List<Future<Long>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(clients.submit(() -> {
                    long start = System.nanoTime();
                    assertThat(service.setup().status(), is(503));
                    return (System.nanoTime() - start) / 1_000_000;
                }));
            }
            for (Future<Long> answer : answers) {
                millis.add(answer.get());
            }
        }
        System.out.println("[down] four setups answered 503 after " + millis + " ms");
        assertThat(millis, everyItem(lessThan(1000L + 1500)));
        postgres.start();
        assertThat(service.setup().status(), is(200));
    }

    private TestService start(StoppablePostgres server) {
        Map<String, String> env = new HashMap<>(server.environment());
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        return TestService.start(env, data, Path.of("migrations"), BOUNDS);
    }

    private String createTeam(String name) {
        TestService.Response created = service.request("POST", "/api/teams", "{\"name\":\"" + name + "\"}", AUTH);
        assertThat(created.body(), created.status(), is(201));
        return created.json().getJsonObject("data").getString("id");
    }

    /** Runs {@code sql} in a transaction left open by a session called {@code applicationName}. */
    private void hold(String applicationName, String sql) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", TestPostgres.PASSWORD);
        properties.setProperty("ApplicationName", applicationName);
        Map<String, String> env = postgres.environment();
        Connection holder = DriverManager.getConnection("jdbc:postgresql://localhost:" + env.get("POSTGRES_PORT")
                                                        + "/deploystack", properties);
        holders.add(holder);
        holder.setAutoCommit(false);
        try (Statement statement = holder.createStatement()) {
            statement.execute(sql);
        }
    }

    private void releaseHolders() throws Exception {
        for (Connection holder : holders) {
            holder.rollback();
        }
    }

    private String awaitWaitingFor(String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonObject status = service.status();
        while (!status.getString("waiting_for", "").contains(expected)) {
            assertThat("status never said it waits for " + expected + ": " + status, System.nanoTime() < deadline,
                       is(true));
            TestService.sleep(50);
            status = service.status();
        }
        assertThat(status.toString(), not(containsString(TestPostgres.PASSWORD)));
        return status.getString("waiting_for");
    }

}
