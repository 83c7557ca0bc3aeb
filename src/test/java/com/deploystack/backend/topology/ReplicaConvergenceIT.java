package com.deploystack.backend.topology;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * Several replicas of the packaged jar on one database converge on their own: setup through one makes the others
 * ready within two seconds without a request to them, and a migration applied by a newer release is reported by
 * the older replicas, running or restarted, instead of stopping them.
 */
class ReplicaConvergenceIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final long CONVERGE_MILLIS = 2000;

    @TempDir
    Path work;
    private final List<ServiceProcess> replicas = new ArrayList<>();
    private Map<String, String> env;
    private String database;

    @BeforeEach
    void database() throws Exception {
        TestPostgres postgres = TestPostgres.get();
        database = postgres.createDatabase("replicas");
        env = new HashMap<>(postgres.environment(database));
        // the settings key as replicas are advised to share it: one key file (a container secret) for all
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path keyFile = Files.writeString(work.resolve("settings.key"), HexFormat.of().formatHex(key) + "\n");
        env.put("DEPLOYSTACK_ENCRYPTION_KEY_FILE", keyFile.toString());
        env.put("HTTP_DRAIN", "0");
    }

    @AfterEach
    void stop() {
        replicas.forEach(ServiceProcess::close);
    }

    @Test
    void setupThroughOneReplicaMakesTheOthersReadyWithinTwoSecondsWithoutARequest() throws Exception {
        ServiceProcess first = start("r1", env);
        ServiceProcess second = start("r2", env);
        ServiceProcess third = start("r3", env);
        for (ServiceProcess replica : replicas) {
            awaitStatus(replica, "\"setup_performed\":false");
        }

        assertThat(first.setup().statusCode(), is(200));
        long setupDone = System.nanoTime();

        for (ServiceProcess replica : List.of(second, third)) {
            long readyAfter = awaitReady(replica, setupDone);
            System.out.println("[topology] replica ready " + readyAfter + " ms after setup elsewhere; "
                               + replica.output().lines().filter(line -> line.contains("Database initialized"))
                                       .findFirst().orElse("(no catch-up line)"));
            assertThat(readyAfter, lessThan(CONVERGE_MILLIS));
            assertThat(replica.get("/api/db/status").body(), containsString("\"initialized\":true"));
        }
        assertThat("a replica started long after setup is ready on its own",
                   awaitReady(start("r4", env), System.nanoTime()), lessThan(START.toMillis()));
        for (ServiceProcess replica : replicas.subList(1, replicas.size())) {
            assertThat(replica.output(), not(containsString("Database setup performed")));
        }
    }

    @Test
    void migrationsOfANewerReleaseAreReportedByOlderReplicasRunningOrRestartedMeanwhile() throws Exception {
        ServiceProcess running = start("r1", env);
        start("r2", env);
        assertThat(running.setup().statusCode(), is(200));
        awaitReady(replicas.get(1), System.nanoTime());

        ScriptRepository newer = ScriptRepository.copyOfProject(Files.createDirectories(work.resolve("newer")));
        newer.write("29990101000000_newer_release.sql", "SELECT pg_sleep(2);\nCREATE TABLE newer_release (id int);",
                    "DROP TABLE newer_release;");
        Map<String, String> newerEnv = new HashMap<>(env);
        newerEnv.put("PATHS_MIGRATIONS", newer.root().toString());
        ServiceProcess upgraded = start("r3", newerEnv);
        awaitMigrationRunning();
        replicas.get(1).terminate(Duration.ofSeconds(30));
        ServiceProcess restarted = start("r2", env);

        awaitReady(upgraded, System.nanoTime());
        awaitReady(restarted, System.nanoTime());
        long applied = System.nanoTime();
        for (ServiceProcess older : List.of(running, restarted)) {
            String status = awaitStatus(older, "\"newest_applied\":\"29990101000000\"");
            assertThat(status, containsString("\"initialized\":true"));
            assertThat(older.get("/observe/health/ready").statusCode(), is(200));
        }
        assertThat("the running replica heard of it within two seconds",
                   (System.nanoTime() - applied) / 1_000_000, lessThan(CONVERGE_MILLIS));
        assertThat(upgraded.get("/api/db/status").body(), not(containsString("schema_ahead")));
    }

    private ServiceProcess start(String name, Map<String, String> environment) {
        ServiceProcess replica = ServiceProcess.start(environment, work.resolve(name)).awaitHttp(START);
        replicas.add(replica);
        return replica;
    }

    /** Milliseconds from {@code since} until the replica's readiness answers 200 (at most a minute). */
    private static long awaitReady(ServiceProcess replica, long since) {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (replica.get("/observe/health/ready").statusCode() == 200) {
                return (System.nanoTime() - since) / 1_000_000;
            }
            TestService.sleep(25);
        }
        throw new AssertionError("not ready within " + START + ":\n" + replica.output());
    }

    private static String awaitStatus(ServiceProcess replica, String expected) {
        long deadline = System.nanoTime() + START.toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = replica.get("/api/db/status");
            status = response.body();
            if (status.contains(expected)) {
                return status;
            }
            TestService.sleep(25);
        }
        throw new AssertionError("status never had " + expected + ", last: " + status + "\n" + replica.output());
    }

    private void awaitMigrationRunning() throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (TestPostgres.get().queryCount("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                                                         + database + "' AND query LIKE '%pg_sleep(2)%'"
                                                         + " AND state = 'active'") == 0) {
            assertThat("the newer release never started its migration", System.nanoTime() < deadline, is(true));
            TestService.sleep(20);
        }
    }
}
