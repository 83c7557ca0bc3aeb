package com.deploystack.backend.services;

import java.nio.file.Path;
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

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import io.helidon.dbclient.DbClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class JobQueueTest {

    @TempDir
    static Path data;
    private static TestService service;
    private static DbClient db;

    @BeforeAll
    static void setUp() {
        service = TestService.start(TestPostgres.get().environment(TestPostgres.get().createDatabase("jobs")), data);
        assertThat(service.setup().status(), is(200));
        db = service.application().database().client();
    }

    @AfterAll
    static void tearDown() {
        service.close();
    }

    @Test
    void eightWorkersDrainAThousandJobsEachProcessedOnceWithExactBatchCounters() throws Exception {
        JobQueue queue = new JobQueue(db, Duration.ZERO);
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
                    while ((job = queue.claimNext(worker)).isPresent() || pending(batch) > 0) {
                        if (job.isEmpty()) {
                            continue;
                        }
                        attempts.incrementAndGet();
                        if (job.get().payload().contains("\"fail\": true")) {
                            queue.fail(job.get().id(), "always fails");
                        } else {
                            completions.computeIfAbsent(job.get().id(), id -> new AtomicInteger()).incrementAndGet();
                            assertThat(queue.complete(job.get().id(), "{\"ok\":true}"), is(true));
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
    void aFailedAttemptWaitsForItsBackoffThenRunsAgainAndEndsFailedAfterMaxAttempts() {
        JobQueue queue = new JobQueue(db, Duration.ofHours(1));
        String id = queue.enqueue("retry", "{}", 2);
        Job first = queue.claimNext("w").orElseThrow();
        assertThat(first.id(), is(id));
        assertThat(first.attempts(), is(1));
        assertThat(queue.fail(id, "boom"), is(Optional.of("pending")));
        assertThat("not due before its backoff", queue.claimNext("w").isPresent(), is(false));

        db.execute().update("UPDATE queue_jobs SET scheduled_for = now() WHERE id = ?", id);
        Job second = queue.claimNext("w").orElseThrow();
        assertThat(second.attempts(), is(2));
        assertThat(queue.fail(id, "boom again"), is(Optional.of("failed")));
        assertThat(queue.fail(id, "not processing"), is(Optional.empty()));
        assertThat(queue.complete(id, "{}"), is(false));
    }

    @Test
    void aCompletedSingleJobIsNotClaimedAgain() {
        JobQueue queue = new JobQueue(db, Duration.ZERO);
        String id = queue.enqueue("single", "{\"x\":1}", 3);
        Job job = queue.claimNext("w").orElseThrow();
        assertThat(job.id(), is(id));
        assertThat(job.batchId(), is(Optional.empty()));
        assertThat(queue.complete(id, "{\"done\":true}"), is(true));
        assertThat(queue.claimNext("w").isPresent(), is(false));
    }

    private static long pending(String batch) {
        return count("SELECT count(*) FROM queue_jobs WHERE batch_id = ? AND status IN ('pending', 'processing')", batch);
    }

    private static long count(String sql, String batch) {
        return ((Number) db.execute().get(sql, batch).orElseThrow().column(1).get()).longValue();
    }
}
