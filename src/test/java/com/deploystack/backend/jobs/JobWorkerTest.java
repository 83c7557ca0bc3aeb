package com.deploystack.backend.jobs;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.plugins.PluginContext;
import com.deploystack.backend.plugins.PluginDefinitionException;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The workers of one service running the probe plugin's jobs: wake-up, retries, leases, idempotency. */
class JobWorkerTest {

    @TempDir
    static Path data;
    private static String database;
    private static TestService service;
    private static PluginContext probe;

    @BeforeAll
    static void setUp() {
        database = TestPostgres.get().createDatabase("jobworker");
        Map<String, String> config = new HashMap<>(Map.of(
                "plugins.enabled", "probe", "jobs.workers", "4",
                // a minute between polls: a job that runs within seconds was woken by its notification
                "jobs.poll", "60000", "jobs.lease", "1000", "jobs.backoff", "200",
                "jobs.housekeeping.interval", "0", "tokens.sweep.interval", "0"));
        service = TestService.start(TestPostgres.get().environment(database), data, Path.of("migrations"), config);
        assertThat(service.setup().status(), is(200));
        probe = JobProbePlugin.CONTEXT.get();
    }

    @AfterAll
    static void tearDown() {
        service.close();
    }

    @Test
    void aJobEnqueuedByAnotherReplicaRunsAtOnceWokenByItsNotification() throws SQLException {
        // enqueued as another replica would: no local wake-up, only the notification
        JobQueue other = new JobQueue(service.application().database().dataSource().orElseThrow(), Duration.ZERO);
        long start = System.nanoTime();
        String id = other.enqueue(JobRequest.of("probe.run", "{}"));
        awaitStatus(id, "completed", Duration.ofSeconds(10));
        assertThat("ran long before the 60 s poll", Duration.ofNanos(System.nanoTime() - start).toMillis(),
                   lessThan(10_000L));
        assertThat(value("SELECT result->>'run' FROM queue_jobs WHERE id = '" + id + "'"), is(id + ":1"));
    }

    @Test
    void aFailingJobIsRetriedWithADoublingBackoffThenFailedWithItsLastErrorAndNoStackTrace() throws SQLException {
        String id = service.application().jobs().enqueue(
                JobRequest.of("probe.run", "{\"fail\":true}").withMaxAttempts(3));
        awaitStatus(id, "failed", Duration.ofSeconds(20));
        assertThat(value("SELECT attempts FROM queue_jobs WHERE id = '" + id + "'"), is("3"));
        assertThat(value("SELECT error FROM queue_jobs WHERE id = '" + id + "'"), is("planned failure"));
        assertThat(count("SELECT count(*) FROM probe_runs WHERE job_id = '" + id + "' AND outcome = 'failed'"), is(3L));
        // the second attempt waited at least 200 ms after the first ended, the third at least 400 ms
        double firstGap = number("SELECT extract(epoch FROM b.started_at - a.ended_at) FROM probe_runs a, probe_runs b"
                                 + " WHERE a.run = '" + id + ":1' AND b.run = '" + id + ":2'");
        double secondGap = number("SELECT extract(epoch FROM b.started_at - a.ended_at) FROM probe_runs a, probe_runs b"
                                  + " WHERE a.run = '" + id + ":2' AND b.run = '" + id + ":3'");
        assertThat("first backoff " + firstGap, firstGap >= 0.19, is(true));
        assertThat("second backoff " + secondGap, secondGap >= 0.39, is(true));
        assertThat(TestService.logs().stream().filter(line -> line.contains("planned failure")).findAny().isPresent(),
                   is(true));
    }

    @Test
    void aJobRunningLongerThanItsLeaseKeepsItAndRunsOnce() throws SQLException {
        String id = probe.jobs().enqueue("run", "{\"sleep\":3500}");
        awaitStatus(id, "completed", Duration.ofSeconds(20));
        assertThat("one attempt: three times its one-second lease, extended", value(
                "SELECT attempts FROM queue_jobs WHERE id = '" + id + "'"), is("1"));
        assertThat(count("SELECT count(*) FROM probe_runs WHERE job_id = '" + id + "'"), is(1L));
    }

    @Test
    void aHandlerWhoseClaimWasTakenOverIsInterruptedAndCannotEndTheJob() throws SQLException {
        String id = probe.jobs().enqueue("run", "{\"sleep\":60000}");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count("SELECT count(*) FROM probe_runs WHERE job_id = '" + id + "'") == 0) {
            assertThat("the job started", System.nanoTime() < deadline, is(true));
            TestService.sleep(20);
        }
        // another replica's claim, with a lease of its own that outlives the test
        execute("UPDATE queue_jobs SET locked_by = 'another-replica#1', locked_until = now() + interval '1 hour'"
                + " WHERE id = '" + id + "'");
        long takenOver = System.nanoTime();
        String outcome = "SELECT coalesce(outcome, '') FROM probe_runs WHERE job_id = '" + id + "'";
        while (!"interrupted".equals(value(outcome))) {
            assertThat("the handler was interrupted", System.nanoTime() - takenOver < Duration.ofSeconds(5).toNanos(),
                       is(true));
            TestService.sleep(20);
        }
        assertThat(value("SELECT status || ' ' || locked_by || ' ' || coalesce(result::text, '-') FROM queue_jobs"
                         + " WHERE id = '" + id + "'"), is("processing another-replica#1 -"));
        execute("UPDATE queue_jobs SET status = 'completed', locked_by = NULL, locked_until = NULL WHERE id = '" + id
                + "'");
    }

    @Test
    void aJobWhoseWorkerDiedIsTakenOverAfterItsLeaseAndFailsWhenThatWasItsLastAttempt() throws SQLException {
        // as a worker killed in the middle leaves them: processing, its lease run out
        String retried = value("INSERT INTO queue_jobs (type, status, attempts, max_attempts, locked_by, locked_until,"
                               + " started_at) VALUES ('probe.run', 'processing', 1, 2, 'dead/1#0',"
                               + " now() - interval '1 second', now()) RETURNING id");
        String last = value("INSERT INTO queue_jobs (type, status, attempts, max_attempts, locked_by, locked_until,"
                            + " started_at) VALUES ('probe.run', 'processing', 2, 2, 'dead/1#1',"
                            + " now() - interval '1 second', now()) RETURNING id");
        execute("NOTIFY deploystack_jobs");
        awaitStatus(retried, "completed", Duration.ofSeconds(10));
        assertThat("run again as its second attempt", value("SELECT string_agg(run, ',') FROM probe_runs"
                                                             + " WHERE job_id = '" + retried + "'"), is(retried + ":2"));
        awaitStatus(last, "failed", Duration.ofSeconds(10));
        assertThat(value("SELECT error FROM queue_jobs WHERE id = '" + last + "'"),
                   is("Its last attempt did not end: the worker running it stopped and its lease ran out."));
        assertThat(count("SELECT count(*) FROM probe_runs WHERE job_id = '" + last + "'"), is(0L));
    }

    @Test
    void anIdempotencyKeyMakesARetriedEnqueueReturnTheFirstJob() throws SQLException {
        String first = probe.jobs().enqueue("run", "{}", "request-7");
        String retried = probe.jobs().enqueue("run", "{}", "request-7");
        assertThat(retried, is(first));
        String other = probe.jobs().enqueue("run", "{}", "request-8");
        assertThat(other, not(first));
        awaitStatus(first, "completed", Duration.ofSeconds(10));
        assertThat(count("SELECT count(*) FROM queue_jobs WHERE idempotency_key = 'request-7'"), is(1L));
        assertThat(count("SELECT count(*) FROM probe_runs WHERE job_id = '" + first + "'"), is(1L));
    }

    @Test
    void aJobOfATypeThisReplicaHasNoHandlerForWaitsForOneThatHas() throws SQLException {
        String id = service.application().jobs().enqueue(JobRequest.of("nobody.handles", "{}").withMaxAttempts(1));
        String known = probe.jobs().enqueue("run", "{}");
        awaitStatus(known, "completed", Duration.ofSeconds(10));
        assertThat(value("SELECT status || ' ' || attempts FROM queue_jobs WHERE id = '" + id + "'"), is("pending 0"));
    }

    @Test
    void pluginJobTypesAreNamedAfterThePluginAndRegisteredOnce() {
        assertThat(service.application().jobs().types().types().contains("probe.run"), is(true));
        assertThrows(PluginDefinitionException.class, () -> probe.jobs().register("Bad-Name", job -> null));
        assertThrows(IllegalArgumentException.class, () -> probe.jobs().register("run", job -> null));
    }

    @Test
    void aBatchOfPluginJobsEndsWithCountersMatchingItsJobs() throws SQLException {
        JobQueue queue = new JobQueue(service.application().database().dataSource().orElseThrow(), Duration.ZERO);
        String batch = queue.enqueueBatch("probe.run", List.of("{}", "{\"fail\":true}", "{\"sleep\":100}", "{}"), 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (count("SELECT count(*) FROM queue_jobs WHERE batch_id = '" + batch + "' AND status IN ('pending',"
                     + " 'processing')") > 0 && System.nanoTime() < deadline) {
            TestService.sleep(50);
        }
        JobBatch counters = queue.batch(batch).orElseThrow();
        assertThat(counters.completed(), is(3));
        assertThat(counters.failed(), is(1));
        assertThat(counters.status(), is("failed"));
    }

    private static void awaitStatus(String id, String status, Duration timeout) throws SQLException {
        awaitStatus(database, id, status, timeout);
    }

    static void awaitStatus(String database, String id, String status, Duration timeout) throws SQLException {
        String sql = "SELECT status FROM queue_jobs WHERE id = '" + id + "'";
        long deadline = System.nanoTime() + timeout.toNanos();
        String now = TestPostgres.get().queryValue(database, sql);
        while (!status.equals(now) && System.nanoTime() < deadline) {
            TestService.sleep(50);
            now = TestPostgres.get().queryValue(database, sql);
        }
        assertThat("job " + id, now, is(status));
    }

    private static String value(String sql) throws SQLException {
        return TestPostgres.get().queryValue(database, sql);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(String sql) throws SQLException {
        return TestPostgres.get().queryCount(database, sql);
    }

    private static double number(String sql) throws SQLException {
        return Double.parseDouble(value(sql));
    }
}
