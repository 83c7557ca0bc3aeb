package com.deploystack.backend.topology;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.db.DatabaseNotAvailableException;
import com.deploystack.backend.support.Neighbour;
import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * A replica of an installation set up long ago restarts (here with a migration to apply, as at an upgrade): from
 * its first answer on, polled every 20 ms, it never says setup was not performed, never sends anyone to
 * {@code /setup}, never answers 500; management routes answer 503 "starting" with {@code Retry-After} until it is
 * ready, and setup answers 409 meanwhile.
 */
class RestartHonestyIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final String TOKEN = "restart-admin-token-0123456789";

    @TempDir
    Path work;

    @ParameterizedTest(name = "selection file kept: {0}")
    @ValueSource(booleans = {true, false})
    void aRestartingReplicaNeverSendsAnyoneToSetupNorAnswers500(boolean selectionFileKept) throws Exception {
        TestPostgres postgres = TestPostgres.get();
        ScriptRepository repository = ScriptRepository.copyOfProject(Files.createDirectories(work.resolve("migrations")));
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("restart")));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        env.put("DEPLOYSTACK_ENCRYPTION_SECRET", "restart-test-shared-secret-0123456789");
        env.put("PATHS_MIGRATIONS", repository.root().toString());
        env.put("HTTP_DRAIN", "0");
        int port = Neighbour.freePort();
        try (ServiceProcess first = ServiceProcess.start(env, work.resolve("data"), port)) {
            first.awaitHttp(Duration.ofSeconds(60));
            assertThat(first.setup().statusCode(), is(200));
            first.terminate(Duration.ofSeconds(30));
        }
        repository.write("29990101000000_upgrade.sql", "SELECT pg_sleep(1);\nCREATE TABLE upgrade (id int);",
                         "DROP TABLE upgrade;");
        Path data = selectionFileKept ? work.resolve("data") : work.resolve("fresh-volume");

        List<String> lies = new ArrayList<>();
        int starting = 0;
        try (ServiceProcess restarted = ServiceProcess.start(env, data, port)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean initialized = false;
            int afterReady = 0;
            while (afterReady < 10 && System.nanoTime() < deadline) {
                HttpResponse<String> status = get(port, "/api/db/status");
                HttpResponse<String> teams = get(port, "/api/teams/some-team");
                HttpResponse<String> setup = status == null || status.body().contains("\"initialized\":true") ? null
                        : setup(port);
                for (HttpResponse<String> answer : Arrays.asList(status, teams, setup)) {
                    if (answer == null) {
                        continue;
                    }
                    if (answer.statusCode() >= 500 && answer.statusCode() != 503
                        || answer.body().contains("\"setup_performed\":false")
                        || answer.body().contains(DatabaseNotAvailableException.MESSAGE)
                        || answer.body().contains("\"phase\":\"FAILED\"")) {
                        lies.add(answer.request().uri().getPath() + " " + answer.statusCode() + " " + answer.body());
                    }
                }
                if (teams != null && teams.statusCode() == 503) {
                    starting++;
                    if (!teams.body().contains(DatabaseNotAvailableException.STARTING)
                        || teams.headers().firstValue("Retry-After").isEmpty()) {
                        lies.add("a starting answer without its sentence or Retry-After: " + teams.body());
                    }
                }
                if (setup != null && setup.statusCode() != 409 && setup.statusCode() != 503) {
                    lies.add("setup during the restart answered " + setup.statusCode() + ": " + setup.body());
                }
                initialized |= status != null && status.body().contains("\"initialized\":true");
                afterReady += initialized ? 1 : 0;
                TestService.sleep(20);
            }
            assertThat("the restart finished", initialized, is(true));
            assertThat(restarted.output(), not(containsString("Database setup performed")));
        }
        System.out.println("[topology] restart (selection file kept: " + selectionFileKept + "): " + starting
                           + " answers 'starting' before ready");
        assertThat(lies, is(empty()));
        assertThat("the catch-up was seen while it ran", starting, greaterThan(0));
    }

    /** The answer, or null while the port does not accept connections yet. */
    private static HttpResponse<String> get(int port, String path) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                     .header("Authorization", "Bearer " + TOKEN)
                                     .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException notListeningYet) {
            return null;
        }
    }

    private static HttpResponse<String> setup(int port) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/db/setup"))
                                     .header("Content-Type", "application/json")
                                     .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"postgresql\"}"))
                                     .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException notListeningYet) {
            return null;
        }
    }
}
