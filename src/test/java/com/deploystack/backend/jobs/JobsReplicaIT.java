package com.deploystack.backend.jobs;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import com.deploystack.backend.plugins.Plugin;
import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * Two jar processes with four workers each share 1,000 jobs (some failing, some slow); one is killed with SIGKILL
 * in the middle. Every job ends completed or failed exactly once, none is left processing, the batch counters match
 * the jobs, and no job ran in two workers at once: each handler run records itself in {@code probe_runs}, keyed by
 * job id and attempt.
 */
class JobsReplicaIT {

    private static final int JOBS = 1000;

    @Test
    void twoReplicasRunAThousandJobsExactlyOnceThoughOneIsKilledInTheMiddle(@TempDir Path work) throws Exception {
        String database = TestPostgres.get().createDatabase("jobs_replicas");
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        writeProbeJar(plugins.resolve("probe.jar"));
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("DEPLOYSTACK_ENCRYPTION_SECRET", "jobs-replica-test-shared-secret");
        env.putAll(Map.of("PLUGINS_ENABLED", "probe", "PATHS_PLUGINS", plugins.toString(), "JOBS_WORKERS", "4",
                          "JOBS_LEASE", "3000", "JOBS_BACKOFF", "100", "JOBS_POLL", "500",
                          "JOBS_HOUSEKEEPING_INTERVAL", "0", "TOKENS_SWEEP_INTERVAL", "0", "HTTP_DRAIN", "0"));
        try (ServiceProcess victim = ServiceProcess.start(env, Files.createDirectories(work.resolve("a")));
             ServiceProcess survivor = ServiceProcess.start(env, Files.createDirectories(work.resolve("b")))) {
            victim.awaitHttp(Duration.ofSeconds(60));
            assertThat(victim.setup().statusCode(), is(200));
            survivor.awaitHttp(Duration.ofSeconds(60));
            awaitInitialized(survivor);

            String batch = TestPostgres.get().queryValue(database, "INSERT INTO queue_job_batches (type, total_jobs)"
                                                                   + " VALUES ('probe.run', " + JOBS + ") RETURNING id");
            // every tenth job fails each of its 3 attempts; every 25th sleeps 2 s (longer than the lease: extended)
            TestPostgres.get().execute(database, "INSERT INTO queue_jobs (type, payload, max_attempts, batch_id)"
                              + " SELECT 'probe.run', jsonb_build_object('fail', i % 10 = 3,"
                              + " 'sleep', CASE WHEN i % 25 = 0 THEN 2000 WHEN i % 5 = 1 THEN 20 ELSE 0 END), 3, '"
                              + batch + "' FROM generate_series(1, " + JOBS + ") AS i; NOTIFY deploystack_jobs");

            // in the middle: a third of the jobs run, and the victim in the middle of a run
            awaitCount(database, "SELECT count(*) FROM probe_runs", JOBS / 3, Duration.ofSeconds(90));
            awaitCount(database, "SELECT count(*) FROM probe_runs WHERE replica = '" + victim.pid() + "'"
                                 + " AND ended_at IS NULL", 1, Duration.ofSeconds(60));
            long runsBeforeKill = count(database, "SELECT count(*) FROM probe_runs");
            victim.kill();
            long killedRuns = count(database, "SELECT count(*) FROM probe_runs WHERE ended_at IS NULL");
            System.out.println("[jobs] killed " + victim.pid() + " after " + runsBeforeKill + " runs, with "
                               + killedRuns + " runs in progress");

            try {
                awaitCount(database, "SELECT count(*) FROM queue_jobs WHERE batch_id = '" + batch + "'"
                                     + " AND status IN ('completed', 'failed')", JOBS, Duration.ofSeconds(60));
            } catch (AssertionError e) {
                System.out.println("[jobs] the surviving replica's log:\n" + survivor.output());
                throw e;
            }

            assertThat("none left pending or processing", count(database,
                    "SELECT count(*) FROM queue_jobs WHERE status IN ('pending', 'processing')"), is(0L));
            assertThat("the jobs meant to fail failed after 3 attempts, with their error", count(database,
                    "SELECT count(*) FROM queue_jobs WHERE batch_id = '" + batch + "' AND status = 'failed'"
                    + " AND (payload->>'fail')::boolean AND error = 'planned failure'"), is(100L));
            assertThat("every other job completed", count(database,
                    "SELECT count(*) FROM queue_jobs WHERE batch_id = '" + batch + "' AND status = 'completed'"
                    + " AND NOT (payload->>'fail')::boolean"), is(900L));
            assertThat("every completed job was completed by the successful run of its last attempt", count(database,
                    "SELECT count(*) FROM queue_jobs j WHERE status = 'completed' AND NOT EXISTS (SELECT 1 FROM probe_runs r"
                    + " WHERE r.job_id = j.id AND r.attempt = j.attempts AND r.outcome = 'ok')"), is(0L));
            long lostCompletions = count(database, "SELECT count(*) FROM probe_runs r JOIN queue_jobs j ON j.id = r.job_id"
                                                   + " WHERE r.outcome = 'ok' AND r.attempt < j.attempts");
            System.out.println("[jobs] runs that ended well on the killed process but whose completion the kill lost: "
                               + lostCompletions);
            assertThat("an earlier successful run is only one whose completion the kill lost", count(database,
                    "SELECT count(*) FROM probe_runs r JOIN queue_jobs j ON j.id = r.job_id WHERE r.outcome = 'ok'"
                    + " AND r.attempt < j.attempts AND r.replica <> '" + victim.pid() + "'"), is(0L));
            assertThat(lostCompletions, lessThanOrEqualTo(8L));
            assertThat("a failed job never succeeded", count(database,
                    "SELECT count(*) FROM probe_runs r JOIN queue_jobs j ON j.id = r.job_id"
                    + " WHERE j.status = 'failed' AND r.outcome = 'ok'"), is(0L));
            assertThat("no two runs of one job overlapped", count(database,
                    "SELECT count(*) FROM probe_runs a JOIN probe_runs b ON a.job_id = b.job_id AND a.attempt < b.attempt"
                    + " WHERE a.ended_at IS NULL AND a.replica <> '" + victim.pid() + "'"
                    + " OR a.ended_at > b.started_at"), is(0L));
            assertThat("runs cut short were the killed process's, each run again after its lease", count(database,
                    "SELECT count(*) FROM probe_runs a WHERE a.ended_at IS NULL AND NOT EXISTS (SELECT 1 FROM probe_runs b"
                    + " WHERE b.job_id = a.job_id AND b.attempt > a.attempt AND b.replica = '" + survivor.pid() + "')"),
                    is(0L));
            assertThat(killedRuns, greaterThanOrEqualTo(1L));
            assertThat("no attempt ran twice (its run's key would have failed the attempt)", count(database,
                    "SELECT count(*) FROM queue_jobs WHERE error LIKE '%23505%'"), is(0L));
            assertThat("the batch's counters match its jobs", TestPostgres.get().queryValue(database,
                    "SELECT completed_jobs || ' ' || failed_jobs || ' ' || status FROM queue_job_batches WHERE id = '"
                    + batch + "'"), is("900 100 failed"));
        }
    }

    /** The probe plugin's compiled classes (from the test classes) with their ServiceLoader entry, as a plugin jar. */
    private static void writeProbeJar(Path jar) throws IOException, URISyntaxException {
        Path classes = Path.of(JobProbePlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path folder = classes.resolve(JobProbePlugin.class.getPackageName().replace('.', '/'));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.list(folder)) {
            List<Path> probe = files.filter(file -> file.getFileName().toString().startsWith("JobProbePlugin")).toList();
            for (Path file : probe) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + Plugin.class.getName()));
            out.write((JobProbePlugin.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    private static void awaitInitialized(ServiceProcess replica) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!replica.get("/api/db/status").body().contains("\"INITIALIZED\"")) {
            assertThat("replica initialized within 60 s", System.nanoTime() < deadline, is(true));
            TestService.sleep(100);
        }
    }

    private static void awaitCount(String database, String sql, long atLeast, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long now = count(database, sql);
        while (now < atLeast && System.nanoTime() < deadline) {
            TestService.sleep(100);
            now = count(database, sql);
        }
        assertThat(sql, now, greaterThanOrEqualTo(atLeast));
    }

    private static long count(String database, String sql) throws SQLException {
        return TestPostgres.get().queryCount(database, sql);
    }
}
