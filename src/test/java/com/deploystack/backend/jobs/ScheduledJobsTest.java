package com.deploystack.backend.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/** Scheduled jobs on two replicas of one database: one job per interval, the housekeeping, the token sweep. */
class ScheduledJobsTest {

    @Test
    void twoReplicasRunEachScheduledJobOncePerIntervalAndTheyDeleteOldJobsAndExpiredTokens(@TempDir Path data)
            throws Exception {
        String database = TestPostgres.get().createDatabase("jobschedule");
        Map<String, String> env = environment(database);
        Map<String, String> config = Map.of("jobs.workers", "2", "jobs.housekeeping.interval", "1",
                                            "jobs.retention", "60", "tokens.sweep.interval", "1");
        try (TestService first = TestService.start(env,
                                                   Files.createDirectories(data.resolve("first")),
                                                   Path.of("migrations"), config)) {
            assertThat(first.setup().status(), is(200));
            try (TestService second = TestService.start(env,
                                                        Files.createDirectories(data.resolve("second")),
                                                        Path.of("migrations"), config)) {
                second.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
                TestPostgres.get().insertAccessTokens(database, "-1 hour", "1 hour");
                TestPostgres.get().execute(database, "INSERT INTO queue_jobs (type, status, completed_at) VALUES"
                                  + " ('old', 'completed', now() - interval '2 minutes'),"
                                  + " ('recent', 'completed', now() - interval '10 seconds'),"
                                  + " ('old', 'failed', now() - interval '2 minutes')");
                long start = System.nanoTime();
                awaitCount(database, "SELECT count(*) FROM queue_jobs WHERE type IN ('old', 'recent')", 1);
                awaitCount(database, "SELECT count(*) FROM oauth_access_tokens", 1);
                // the sweeps are counted over a window of at least 4.5 s
                TestService.sleep(Math.max(0, 4_500 - (System.nanoTime() - start) / 1_000_000));
                double seconds = (System.nanoTime() - start) / 1e9;

                assertThat("old ended jobs deleted, recent one kept",
                           count(database, "SELECT count(*) FROM queue_jobs WHERE type IN ('old', 'recent')"), is(1L));
                assertThat("the expired token deleted, the valid one kept",
                           count(database, "SELECT count(*) FROM oauth_access_tokens"), is(1L));
                long sweeps = count(database, "SELECT count(*) FROM queue_jobs WHERE type = 'tokens.sweep'"
                                              + " AND created_at >= now() - interval '" + (int) seconds + " seconds'");
                assertThat("one sweep per second for both replicas (not two), " + sweeps + " in " + seconds + " s",
                           sweeps, lessThanOrEqualTo((long) Math.ceil(seconds) + 1));
                assertThat(sweeps, greaterThanOrEqualTo(3L));
                assertThat(count(database, "SELECT count(*) FROM queue_jobs WHERE type = 'tokens.sweep'"
                                           + " AND status <> 'completed' AND scheduled_for < now() - interval '2 seconds'"),
                           is(0L));
            }
        }
    }

    @Test
    void aShutdownWhileTheSchedulerWaitsForPostgreSqlBreaksNoConnectionAndLogsNothing(@TempDir Path data)
            throws Exception {
        String database = TestPostgres.get().createDatabase("jobschedulestop");
        Map<String, String> env = environment(database);
        try (TestService service = TestService.start(env, data, Path.of("migrations"),
                                                     Map.of("tokens.sweep.interval", "1"));
             Connection lock = TestPostgres.get().connect(database)) {
            assertThat(service.setup().status(), is(200));
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("LOCK TABLE queue_jobs IN ACCESS EXCLUSIVE MODE");
            }
            // the scheduler's next attempt (within a second) waits for the lock
            String waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'"
                             + " AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO queue_jobs%'";
            awaitCount(database, waiting, 1);
            assertThat(count(database, waiting), is(1L));
            int before = TestService.logs().size();
            // as SIGTERM does: the drain begins, the scheduler is told to stop
            service.application().jobs().stopClaiming(Duration.ofSeconds(5));
            TestService.sleep(300);
            lock.rollback();
            TestService.sleep(300);
            List<String> logged = TestService.logs().subList(before, TestService.logs().size());
            assertThat(String.join("\n", logged), logged.stream().filter(line -> line.contains("Exception")
                                                                               || line.contains("broken")).count(),
                       is(0L));
        }
    }

    /** The tests' PostgreSQL with {@code database}, and the secret replicas share. */
    private static Map<String, String> environment(String database) {
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("DEPLOYSTACK_ENCRYPTION_SECRET", "scheduled-jobs-test-shared-secret");
        return env;
    }

    /** Waits up to 15 s for {@code sql} to count {@code expected} (the background jobs' deletions). */
    private static void awaitCount(String database, String sql, long expected) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (count(database, sql) != expected && System.nanoTime() < deadline) {
            TestService.sleep(50);
        }
    }

    private static long count(String database, String sql) throws SQLException {
        return TestPostgres.get().queryCount(database, sql);
    }
}
