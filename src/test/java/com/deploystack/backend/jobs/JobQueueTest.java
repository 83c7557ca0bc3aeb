package com.deploystack.backend.jobs;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

class JobQueueTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final List<String> TYPES = List.of("drain", "retry", "doubling", "lease", "release", "single");

    @TempDir
    static Path data;
    private static TestService service;
    private static DbClient db;
    private static DataSource dataSource;

    @BeforeAll
    static void setUp() {
        // no workers and no scheduled jobs of the service's own: the test claims by hand
        service = TestService.start(TestPostgres.get().environment(TestPostgres.get().createDatabase("jobs")), data,
                                    Path.of("migrations"), Map.of("jobs.workers", "0", "jobs.housekeeping.interval", "0",
                                                                  "tokens.sweep.interval", "0"));
        assertThat(service.setup().status(), is(200));
        db = service.application().database().client();
        dataSource = service.application().database().dataSource().orElseThrow();
    }

    @BeforeEach
    void emptyQueue() {
        db.execute().delete("DELETE FROM queue_job_batches");
        db.execute().delete("DELETE FROM queue_jobs");
    }

    @AfterAll
    static void tearDown() {
        service.close();
    }

    @Test
    void eightWorkersDrainAThousandJobsEachProcessedOnceWithExactBatchCounters() throws Exception {
        JobQueue queue = new JobQueue(dataSource, Duration.ZERO);
        List<String> payloads = IntStream.range(0, 1000)
                .mapToObj(i -> "{\"n\":" + i + ",\"fail\":" + (i % 10 == 0) + "}")
                .toList();
        String batch = queue.enqueueBatch("drain", payloads, 2);
        Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
        AtomicInteger attempts = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int w = 0; w < 8; w++) {
                String worker = "worker-" + w;
                workers.add(pool.submit(() -> {
                    Optional<Job> job;
                    while ((job = queue.claim(worker, LEASE, TYPES)).isPresent() || pending(batch) > 0) {
                        if (job.isEmpty()) {
                            continue;
                        }
                        attempts.incrementAndGet();
                        if (job.get().payload().contains("\"fail\": true")) {
                            queue.fail(job.get(), "always fails");
                        } else {
                            completions.computeIfAbsent(job.get().id(), id -> new AtomicInteger()).incrementAndGet();
                            assertThat(queue.complete(job.get(), "{\"ok\":true}"), is(true));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        assertThat(completions.size(), is(900));
        assertThat(completions.values().stream().allMatch(count -> count.get() == 1), is(true));
        assertThat("each failing job is tried max_attempts (2) times", attempts.get(), is(900 + 100 * 2));
        JobBatch counters = queue.batch(batch).orElseThrow();
        assertThat(counters.total(), is(1000));
        assertThat(counters.completed(), is(900));
        assertThat(counters.failed(), is(100));
        assertThat(counters.status(), is("failed"));
        assertThat(count("SELECT count(*) FROM queue_jobs WHERE batch_id = ? AND status = 'completed'", batch), is(900L));
        assertThat(count("SELECT count(*) FROM queue_jobs WHERE batch_id = ? AND status = 'failed'", batch), is(100L));
    }

    @Test
    void aFailedAttemptWaitsForItsBackoffThenRunsAgainAndEndsFailedAfterMaxAttempts() throws SQLException {
        JobQueue queue = new JobQueue(dataSource, Duration.ofHours(1));
        String id = queue.enqueue(JobRequest.of("retry", "{}").withMaxAttempts(2));
        Job first = claim(queue, "retry");
        assertThat(first.id(), is(id));
        assertThat(first.attempts(), is(1));
        assertThat(queue.fail(first, "boom"), is(Optional.of("pending")));
        assertThat("the retry is due one backoff later", seconds("SELECT extract(epoch FROM scheduled_for - now())"
                                                                 + " FROM queue_jobs WHERE id = ?", id) > 3500, is(true));
        assertThat("not due before its backoff", queue.claim("w", LEASE, TYPES).isPresent(), is(false));

        db.execute().update("UPDATE queue_jobs SET scheduled_for = now() WHERE id = ?", id);
        Job second = claim(queue, "retry");
        assertThat(second.attempts(), is(2));
        assertThat(queue.fail(second, "boom again"), is(Optional.of("failed")));
        assertThat(queue.fail(second, "not processing"), is(Optional.empty()));
        assertThat(queue.complete(second, "{}"), is(false));
        assertThat(text("SELECT error FROM queue_jobs WHERE id = ?", id), is("boom again"));
    }

    @Test
    void theBackoffDoublesWithEachAttempt() throws SQLException {
        JobQueue queue = new JobQueue(dataSource, Duration.ofSeconds(100));
        String id = queue.enqueue(JobRequest.of("doubling", "{}").withMaxAttempts(5));
        db.execute().update("UPDATE queue_jobs SET attempts = 2 WHERE id = ?", id);
        Job third = claim(queue, "doubling");
        assertThat(third.attempts(), is(3));
        queue.fail(third, "third failure");
        double wait = seconds("SELECT extract(epoch FROM scheduled_for - now()) FROM queue_jobs WHERE id = ?", id);
        assertThat("third attempt failed: 100 s × 2² = 400 s, was " + wait, wait > 395 && wait <= 400, is(true));
    }

    @Test
    void aJobWhoseLeaseRanOutIsClaimedAgainWithItsAttemptCountedAndTheFirstClaimCanNoLongerEndIt() throws SQLException {
        JobQueue queue = new JobQueue(dataSource, Duration.ZERO);
        String id = queue.enqueue(JobRequest.of("lease", "{}").withMaxAttempts(3));
        Job first = claim(queue, "lease");
        assertThat("the lease holds", queue.claim("other", LEASE, TYPES).map(Job::type).filter("lease"::equals).isPresent(),
                   is(false));
        db.execute().update("UPDATE queue_jobs SET locked_until = now() - interval '1 second' WHERE id = ?", id);
        Job second = queue.claim("other", LEASE, TYPES).orElseThrow();
        assertThat(second.id(), is(id));
        assertThat(second.attempts(), is(2));
        assertThat(second.lockedBy(), startsWith("other#"));
        assertThat("the first claim lost the job", queue.complete(first, "{}"), is(false));
        assertThat(queue.extend(first, LEASE), is(false));
        assertThat(queue.extend(second, LEASE), is(true));
        assertThat(queue.complete(second, "{\"by\":\"other\"}"), is(true));
        assertThat(text("SELECT result->>'by' FROM queue_jobs WHERE id = ?", id), is("other"));
    }

    @Test
    void aReleasedJobIsDueAtOnceWithoutItsInterruptedAttemptCounted() throws SQLException {
        JobQueue queue = new JobQueue(dataSource, Duration.ZERO);
        String id = queue.enqueue(JobRequest.of("release", "{}").withMaxAttempts(1));
        Job first = claim(queue, "release");
        assertThat(queue.release(first), is(true));
        assertThat(text("SELECT status || ' ' || attempts || ' ' || coalesce(locked_until::text, 'none')"
                        + " FROM queue_jobs WHERE id = ?", id), is("pending 0 none"));
        Job again = claim(queue, "release");
        assertThat(again.attempts(), is(1));
        assertThat(queue.release(first), is(false));
    }

    @Test
    void anIdempotencyKeyEnqueuesOnceAndReturnsTheSameJob() throws SQLException {
        JobQueue queue = new JobQueue(dataSource, Duration.ZERO);
        String first = queue.enqueue(JobRequest.of("mail", "{\"to\":1}").withIdempotencyKey("request-42"));
        String again = queue.enqueue(JobRequest.of("mail", "{\"to\":2}").withIdempotencyKey("request-42"));
        String otherType = queue.enqueue(JobRequest.of("sms", "{}").withIdempotencyKey("request-42"));
        assertThat(again, is(first));
        assertThat(otherType, not(first));
        assertThat(count("SELECT count(*) FROM queue_jobs WHERE idempotency_key = ?", "request-42"), is(2L));
        assertThat(text("SELECT payload->>'to' FROM queue_jobs WHERE id = ?", first), is("1"));
    }

    @Test
    void aWorkerClaimsOnlyTheTypesItHasHandlersFor() throws SQLException {
        JobQueue queue = new JobQueue(dataSource, Duration.ZERO);
        String foreign = queue.enqueue(JobRequest.of("elsewhere", "{}"));
        String mine = queue.enqueue(JobRequest.of("single", "{}"));
        assertThat(claim(queue, "single").id(), is(mine));
        assertThat(queue.claim("w", LEASE, TYPES).isPresent(), is(false));
        assertThat(queue.claim("w", LEASE, List.of("elsewhere")).orElseThrow().id(), is(foreign));
    }

    @Test
    void aCompletedSingleJobIsNotClaimedAgain() throws SQLException {
        JobQueue queue = new JobQueue(dataSource, Duration.ZERO);
        String id = queue.enqueue(JobRequest.of("single", "{\"x\":1}"));
        Job job = claim(queue, "single");
        assertThat(job.id(), is(id));
        assertThat(job.batchId(), is(Optional.empty()));
        assertThat(queue.complete(job, "{\"done\":true}"), is(true));
        assertThat(queue.claim("w", LEASE, TYPES).isPresent(), is(false));
    }

    /** The next claimable job, which must be of {@code type} (the tests' jobs never stay claimable). */
    private static Job claim(JobQueue queue, String type) throws SQLException {
        Job job = queue.claim("w", LEASE, TYPES).orElseThrow();
        assertThat(job.type(), is(type));
        return job;
    }

    private static long pending(String batch) {
        return count("SELECT count(*) FROM queue_jobs WHERE batch_id = ? AND status IN ('pending', 'processing')", batch);
    }

    private static long count(String sql, String parameter) {
        return ((Number) db.execute().get(sql, parameter).orElseThrow().column(1).get()).longValue();
    }

    private static double seconds(String sql, String parameter) {
        return ((Number) db.execute().get(sql, parameter).orElseThrow().column(1).get()).doubleValue();
    }

    private static String text(String sql, String parameter) {
        return String.valueOf(db.execute().get(sql, parameter).orElseThrow().column(1).get());
    }
}
