package com.deploystack.backend.fault;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.support.FaultRun;
import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Four replicas (the packaged jar) started at once on a database whose setup was performed, with new
 * scripts pending: each catches up at start, and every script runs exactly once.
 */
@Tag("fault")
class StartupMigrationRaceFaultIT {

    private static final int REPLICAS = 4;

    @TempDir
    Path work;

    @Test
    void fourReplicasStartingTogetherApplyEachPendingScriptOnce() throws Exception {
        ScriptRepository repository = ScriptRepository.copyOfProject(Files.createDirectories(work.resolve("migrations")));
        String database = TestPostgres.get().createDatabase("fault_race");
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("PATHS_MIGRATIONS", repository.root().toString());
        // Replicas with volumes of their own share the settings key through the variable, as the README asks.
        env.put("DEPLOYSTACK_ENCRYPTION_SECRET", "fault-suite-shared-encryption-secret");
        try (ServiceProcess first = ServiceProcess.start(env, work.resolve("data-setup"))) {
            first.awaitHttp(Duration.ofSeconds(60));
            assertThat(first.setup().statusCode(), is(200));
            first.terminate(Duration.ofSeconds(30));
        }
        int rounds = FaultRun.choose(1, 5);
        for (int round = 0; round < rounds; round++) {
            addPendingScripts(repository, round);
            List<ServiceProcess> replicas = new ArrayList<>();
            try {
                long started = System.nanoTime();
                for (int i = 0; i < REPLICAS; i++) {
                    replicas.add(ServiceProcess.start(env, Files.createDirectories(work.resolve("data-" + round + "-" + i))));
                }
                for (ServiceProcess replica : replicas) {
                    replica.awaitHttp(Duration.ofSeconds(90));
                    awaitInitialized(replica);
                }
                FaultRun.report("startup migration race", "round " + (round + 1) + "/" + rounds + ": " + REPLICAS
                        + " replicas INITIALIZED after " + (System.nanoTime() - started) / 1_000_000 + " ms");
            } finally {
                replicas.forEach(ServiceProcess::close);
            }
            try (Connection connection = TestPostgres.get().connect(database);
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(
                         "SELECT (SELECT count(*) FROM changelog), (SELECT count(DISTINCT id) FROM changelog),"
                         + " (SELECT count(*) FROM fault_race_runs), (SELECT count(DISTINCT round) FROM fault_race_runs)")) {
                rows.next();
                assertThat("changelog rows", rows.getLong(1), is(repository.scriptCount()));
                assertThat("distinct scripts", rows.getLong(2), is(repository.scriptCount()));
                assertThat("one row per data script", rows.getLong(3), is(2L * (round + 1)));
                assertThat("rounds", rows.getLong(4), is((long) round + 1));
            }
        }
    }

    /** A table (the first round), then two data scripts per round that would show a second run. */
    private static void addPendingScripts(ScriptRepository repository, int round) {
        if (round == 0) {
            repository.write("29990101000000_create_race_runs.sql",
                             "CREATE TABLE fault_race_runs (round int, script int);", "DROP TABLE fault_race_runs;");
        }
        for (int script = 1; script <= 2; script++) {
            repository.write(String.format("2999010%d00000%d_race_round_%d_%d.sql", round + 1, script, round, script),
                             "SELECT pg_sleep(0.2);\nINSERT INTO fault_race_runs VALUES (" + round + ", " + script + ");",
                             "DELETE FROM fault_race_runs WHERE round = " + round + " AND script = " + script + ";");
        }
    }

    private static void awaitInitialized(ServiceProcess replica) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String status = replica.get("/api/db/status").body();
        while (!status.contains("\"phase\":\"INITIALIZED\"")) {
            assertThat("replica never became INITIALIZED: " + status + "\n" + replica.output(),
                       System.nanoTime() < deadline, is(true));
            Thread.sleep(50);
            status = replica.get("/api/db/status").body();
        }
    }
}
