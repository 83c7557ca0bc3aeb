package com.deploystack.backend.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * A database emptied or replaced under a set-up installation is never silently set up again: at start the service
 * refuses it and says how to get out; while running, readiness turns DOWN and the routes answer 503.
 */
class DataLossGuardTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "data-loss-admin-token-0123456789";

    @TempDir
    Path data;
    private final TestPostgres postgres = TestPostgres.get();
    private String database;
    private Map<String, String> env;
    private TestService service;

    @BeforeEach
    void setUp() {
        database = postgres.createDatabase("dataloss");
        env = new HashMap<>(postgres.environment(database));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        service = TestService.start(env, data);
        assertThat(service.setup().status(), is(200));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void aDatabaseRecreatedEmptyIsRefusedAtStartAndNothingIsCreated() throws Exception {
        service.close();
        execute("postgres", "DROP DATABASE " + database + " WITH (FORCE)");
        execute("postgres", "CREATE DATABASE " + database);

        service = TestService.start(env, data);
        JsonObject status = service.awaitPhase("FAILED", WAIT);

        assertRefused(status);
        assertThat(postgres.queryCount(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), is(0L));
    }

    @Test
    void anotherEmptyDatabaseNamedByMistakeIsRefusedTheSameWay() throws Exception {
        service.close();
        Map<String, String> wrong = new HashMap<>(env);
        String other = postgres.createDatabase("wrongname");
        wrong.put("POSTGRES_DATABASE", other);

        service = TestService.start(wrong, data);

        assertRefused(service.awaitPhase("FAILED", WAIT));
        assertThat(postgres.queryCount(other, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), is(0L));
    }

    @Test
    void aDatabaseDroppedWhileRunningTurnsReadinessDownAndRoutesAnswer503() throws Exception {
        assertThat(service.get("/observe/health/ready").status(), is(200));

        execute("postgres", "DROP DATABASE " + database + " WITH (FORCE)");

        awaitReadiness(503, "the database does not exist");
        TestService.Response team = service.request("GET", "/api/teams/t1", null, "Authorization", "Bearer " + TOKEN);
        assertThat(team.body(), team.status(), is(503));
    }

    @Test
    void theSetupMarkerGoneWhileRunningTurnsReadinessDown() throws Exception {
        execute(database, "DROP TABLE deploystack_setup");

        awaitReadiness(503, "setup marker missing");
    }

    private void assertRefused(JsonObject status) {
        String error = status.getString("error");
        assertThat(error, containsString("not the database that was set up"));
        assertThat(error, containsString("POSTGRES_DATABASE"));
        assertThat(error, containsString("db.selection.json"));
        assertThat(status.getBoolean("setup_performed"), is(true));
        assertThat(service.get("/observe/health/ready").status(), is(503));
        TestService.Response setup = service.setup();
        assertThat(setup.status(), is(409));
        assertThat(setup.json().getString("error"), containsString("not the database that was set up"));
        assertThat(service.get("/observe/health/live").status(), is(200));
    }

    private void awaitReadiness(int status, String detail) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        TestService.Response ready = service.get("/observe/health/ready");
        while (!(ready.status() == status && ready.body().contains(detail)) && System.nanoTime() < deadline) {
            TestService.sleep(50);
            ready = service.get("/observe/health/ready");
        }
        assertThat(ready.body(), ready.status(), is(status));
        assertThat(ready.body(), containsString(detail));
    }

    private void execute(String in, String sql) throws Exception {
        try (Connection connection = postgres.connect(in); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
