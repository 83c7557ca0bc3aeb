package com.deploystack.backend.services;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.deploystack.backend.db.Rows;
import com.deploystack.backend.json.JsonFactory;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbTransaction;
import jakarta.json.JsonArrayBuilder;

/**
 * The background job queue over {@code queue_jobs} and {@code queue_job_batches}. A job is claimed by one
 * statement that locks it with {@code FOR UPDATE SKIP LOCKED}, so two workers never take the same job; a
 * job's end and its batch's counters change in one transaction, so counters always match the jobs.
 */
public final class JobQueue {

    private final DbClient db;
    private final Duration backoff;

    /** @param backoff delay before the first retry of a failed job; doubled for each further attempt */
    public JobQueue(DbClient db, Duration backoff) {
        this.db = db;
        this.backoff = backoff;
    }

    /** Enqueues one job ({@code payload} is JSON text) to run at once; returns its id. */
    public String enqueue(String type, String payload, int maxAttempts) {
        return db.execute()
                .get("INSERT INTO queue_jobs (type, payload, max_attempts) VALUES (?, ?::jsonb, ?) RETURNING id",
                     type, payload, maxAttempts)
                .map(row -> Rows.text(row, "id"))
                .orElseThrow();
    }

    /** Enqueues one job per payload under a new batch, all in one transaction; returns the batch id. */
    public String enqueueBatch(String type, List<String> payloads, int maxAttempts) {
        JsonArrayBuilder array = JsonFactory.array();
        payloads.forEach(array::add);
        DbTransaction tx = db.transaction();
        try {
            String batchId = tx.get("INSERT INTO queue_job_batches (type, total_jobs) VALUES (?, ?) RETURNING id",
                                    type, payloads.size())
                    .map(row -> Rows.text(row, "id"))
                    .orElseThrow();
            tx.insert("INSERT INTO queue_jobs (type, payload, max_attempts, batch_id)"
                      + " SELECT ?, payload::jsonb, ?, ? FROM jsonb_array_elements_text(?::jsonb) AS payload",
                      type, maxAttempts, batchId, array.build().toString());
            tx.commit();
            return batchId;
        } catch (RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }

    /** Claims the next due job for {@code worker}, or nothing when none is due. */
    public Optional<Job> claimNext(String worker) {
        return db.execute().get("""
                UPDATE queue_jobs SET status = 'processing', attempts = attempts + 1, locked_by = ?,
                       started_at = now(), updated_at = now()
                WHERE id = (SELECT id FROM queue_jobs WHERE status = 'pending' AND scheduled_for <= now()
                            ORDER BY scheduled_for, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING id, type, payload::text AS payload, attempts, max_attempts, batch_id""", worker)
                .map(Job::from);
    }

    /** Marks a claimed job completed with {@code result} (JSON text); false when it was not being processed. */
    public boolean complete(String jobId, String result) {
        DbTransaction tx = db.transaction();
        try {
            Optional<String> ended = tx.get("""
                    UPDATE queue_jobs SET status = 'completed', result = ?::jsonb, error = NULL, locked_by = NULL,
                           completed_at = now(), updated_at = now()
                    WHERE id = ? AND status = 'processing'
                    RETURNING coalesce(batch_id, '') AS batch_id""", result, jobId)
                    .map(row -> Rows.text(row, "batch_id"));
            ended.filter(batch -> !batch.isEmpty()).ifPresent(batch -> countCompleted(tx, batch));
            tx.commit();
            return ended.isPresent();
        } catch (RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }

    /**
     * Records a failed attempt: the job is retried after an exponential backoff while attempts remain,
     * otherwise it ends as failed. Returns the job's new status, or nothing when it was not being processed.
     */
    public Optional<String> fail(String jobId, String error) {
        DbTransaction tx = db.transaction();
        try {
            Optional<Ended> outcome = tx.get("""
                    UPDATE queue_jobs SET
                        status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
                        scheduled_for = CASE WHEN attempts >= max_attempts THEN scheduled_for
                                        ELSE now() + ? * power(2, attempts - 1) * interval '1 millisecond' END,
                        completed_at = CASE WHEN attempts >= max_attempts THEN now() END,
                        error = ?, locked_by = NULL, updated_at = now()
                    WHERE id = ? AND status = 'processing'
                    RETURNING status, coalesce(batch_id, '') AS batch_id""", backoff.toMillis(), error, jobId)
                    .map(row -> new Ended(Rows.text(row, "status"), Rows.text(row, "batch_id")));
            outcome.filter(ended -> ended.status().equals("failed") && !ended.batchId().isEmpty())
                    .ifPresent(ended -> countFailed(tx, ended.batchId()));
            tx.commit();
            return outcome.map(Ended::status);
        } catch (RuntimeException e) {
            tx.rollback();
            throw e;
        }
    }

    public Optional<JobBatch> batch(String batchId) {
        return db.execute().get("SELECT id, type, total_jobs, completed_jobs, failed_jobs, status"
                                + " FROM queue_job_batches WHERE id = ?", batchId).map(JobBatch::from);
    }

    private record Ended(String status, String batchId) {
    }

    private static final String CLOSE_BATCH = """
            UPDATE queue_job_batches SET
                status = CASE WHEN completed_jobs + failed_jobs < total_jobs THEN 'processing'
                              WHEN failed_jobs > 0 THEN 'failed' ELSE 'completed' END,
                completed_at = CASE WHEN completed_jobs + failed_jobs = total_jobs THEN now() END
            WHERE id = ?""";

    private static void countCompleted(DbTransaction tx, String batchId) {
        tx.update("UPDATE queue_job_batches SET completed_jobs = completed_jobs + 1 WHERE id = ?", batchId);
        tx.update(CLOSE_BATCH, batchId);
    }

    private static void countFailed(DbTransaction tx, String batchId) {
        tx.update("UPDATE queue_job_batches SET failed_jobs = failed_jobs + 1 WHERE id = ?", batchId);
        tx.update(CLOSE_BATCH, batchId);
    }
}
