package com.deploystack.backend.fault;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.deploystack.backend.support.FaultRun;
import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * SIGKILL at random moments of a setup made slow by test-only scripts (pg_sleep between their statements),
 * a restart after each: the database is always exactly before or after every script, setup stays
 * retryable, and it ends INITIALIZED. A kill that lands after the commit leaves an initialized database;
 * the next kill then gets a fresh database.
 */
@Tag("fault")
class SetupKillFaultIT {

    private static final String[] SLOW_SCRIPTS = {"29990101000000_fault_a.sql", "29990101000001_fault_b.sql",
                                                  "29990101000002_fault_c.sql"};
    private static final int SETUP_MILLIS = 1500;
    private static final Pattern PHASE = Pattern.compile("\"phase\":\"(\\w+)\"");

    @TempDir
    Path work;
    private ScriptRepository repository;

    @Test
    void setupKilledAtRandomMomentsLeavesEveryScriptAppliedOrNotAndEndsInitialized() throws Exception {
        repository = ScriptRepository.copyOfProject(Files.createDirectories(work.resolve("migrations")));
        for (int i = 0; i < SLOW_SCRIPTS.length; i++) {
            String table = "fault_" + (char) ('a' + i);
            repository.write(SLOW_SCRIPTS[i], "CREATE TABLE " + table + " (n int);\nINSERT INTO " + table
                    + " VALUES (1);\nSELECT pg_sleep(0.4);\nINSERT INTO " + table + " VALUES (2);", "DROP TABLE " + table + ";");
        }
        int kills = FaultRun.choose(20, 100);
        long seed = Long.getLong("fault.seed", System.nanoTime());
        Random random = new Random(seed);
        int survived = 0;
        int landedAfterCommit = 0;
        Target target = Target.fresh(work, 0, repository);
        for (int kill = 1; kill <= kills; kill++) {
            try (ServiceProcess service = ServiceProcess.start(target.env(), target.data())) {
                service.awaitHttp(Duration.ofSeconds(90));
                String phase = awaitSettledPhase(service);
                assertConsistent(target.database(), phase);
                if (phase.equals("INITIALIZED")) {
                    landedAfterCommit++;
                    service.kill();
                    target = Target.fresh(work, kill, repository);
                    kill--;
                    continue;
                }
                Thread.ofVirtual().start(() -> {
                    try {
                        service.setup();
                    } catch (UncheckedIOException killed) {
                        // the process died under the request: that is the point
                    }
                });
                Thread.sleep(random.nextInt(SETUP_MILLIS));
                service.kill();
            }
            survived++;
        }
        try (ServiceProcess service = ServiceProcess.start(target.env(), target.data())) {
            service.awaitHttp(Duration.ofSeconds(90));
            String phase = awaitSettledPhase(service);
            assertConsistent(target.database(), phase);
            if (phase.equals("CONFIGURED")) {
                assertThat(service.output(), service.setup().statusCode(), anyOf(is(200), is(409)));
            }
            assertThat(awaitSettledPhase(service), is("INITIALIZED"));
            assertConsistent(target.database(), "INITIALIZED");
        }
        FaultRun.report("setup kills", "kills survived " + survived + "/" + kills + " (seed " + seed + ", "
                                       + landedAfterCommit + " landed after the commit)");
        assertThat(survived, is(kills));
    }

    /** The database and data directory setup is killed on; a fresh pair after a setup that completed. */
    private record Target(String database, Path data, Map<String, String> env) {
        static Target fresh(Path work, int index, ScriptRepository repository) throws Exception {
            String database = TestPostgres.get().createDatabase("fault_kill");
            Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
            env.put("PATHS_MIGRATIONS", repository.root().toString());
            return new Target(database, Files.createDirectories(work.resolve("data-" + index)), env);
        }
    }

    /** Waits until the service has run its start-up catch-up and is not initializing: CONFIGURED or INITIALIZED. */
    private static String awaitSettledPhase(ServiceProcess service) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String body = service.get("/api/db/status").body();
            Matcher phase = PHASE.matcher(body);
            assertThat(body, phase.find(), is(true));
            assertThat("a killed setup must never leave the service FAILED: " + body + "\n" + service.output(),
                       phase.group(1), not("FAILED"));
            if (!phase.group(1).equals("INITIALIZING") && service.get("/observe/health/started").statusCode() == 200) {
                return phase.group(1);
            }
            assertThat("the phase never settled: " + body, System.nanoTime() < deadline, is(true));
            Thread.sleep(50);
        }
    }

    /**
     * Every script is either recorded with all its effects or absent with none of them; the project's own
     * scripts and the setup marker are all there or none is (setup is one transaction).
     */
    private void assertConsistent(String database, String phase) throws SQLException {
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            boolean changelog = exists(statement, "changelog");
            List<Long> recorded = new ArrayList<>();
            if (changelog) {
                try (ResultSet rows = statement.executeQuery("SELECT id FROM changelog ORDER BY id")) {
                    while (rows.next()) {
                        recorded.add(rows.getLong(1));
                    }
                }
            }
            for (int i = 0; i < SLOW_SCRIPTS.length; i++) {
                long id = Long.parseLong(SLOW_SCRIPTS[i].substring(0, 14));
                String table = "fault_" + (char) ('a' + i);
                boolean applied = recorded.contains(id);
                assertThat(table + " exists exactly when its script is recorded (" + recorded + ")",
                           exists(statement, table), is(applied));
                if (applied) {
                    try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
                        rows.next();
                        assertThat("both rows of " + table, rows.getLong(1), is(2L));
                    }
                }
            }
            boolean marker = exists(statement, "deploystack_setup") && count(statement, "deploystack_setup") == 1;
            boolean complete = recorded.size() == repository.scriptCount();
            assertThat("recorded scripts " + recorded + " are all or none", complete || recorded.isEmpty(), is(true));
            assertThat("the setup marker comes with the scripts", marker, is(complete));
            assertThat("phase " + phase + " agrees with the database", phase.equals("INITIALIZED"), is(complete));
        }
    }

    private static boolean exists(Statement statement, String table) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }

    private static long count(Statement statement, String table) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
