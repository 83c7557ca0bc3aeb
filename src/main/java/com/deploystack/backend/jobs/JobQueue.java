package com.deploystack.backend.jobs;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import com.deploystack.backend.db.DatabaseEvents;
import com.deploystack.backend.db.Transaction;
import com.deploystack.backend.json.JsonFactory;
import jakarta.json.JsonArrayBuilder;

/**
 * The background job queue over {@code queue_jobs} and {@code queue_job_batches}. A job is claimed by one
 * statement that locks it with {@code FOR UPDATE SKIP LOCKED} and gives it a lease ({@code locked_until}) in the
 * claimer's name; a job whose lease ran out (its worker died) is claimed again, its attempt counted. Every end of
 * a claim (complete, fail, release) names the claim ({@code locked_by} and {@code attempts}), so a worker that
 * lost its lease can no longer end the job. A job's end and its batch's counters change in one transaction, so
 * the counters always match the jobs. Enqueueing notifies {@link #CHANNEL}, for the workers of every replica.
 */
public final class JobQueue {

    /** The notification channel that wakes the workers when a job is enqueued. */
    public static final String CHANNEL = "deploystack_jobs";
    /** Longest wait before a retry, however many attempts failed. */
    static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private static final String JOB_COLUMNS = "id, type, payload::text AS payload, attempts, max_attempts, batch_id,"
                                              + " locked_by";

    private final DataSource dataSource;
    private final Duration backoff;

    /** @param backoff delay before the first retry of a failed job; doubled for each further attempt */
    public JobQueue(DataSource dataSource, Duration backoff) {
        this.dataSource = dataSource;
        this.backoff = backoff;
    }

    /** Enqueues {@code request}; with an idempotency key already used for its type, returns the existing job's id. */
    public String enqueue(JobRequest request) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return Transaction.run(connection, transaction -> enqueue(transaction, request));
        }
    }

    /** Enqueues {@code request} in the caller's transaction (the notification goes out when it commits). */
    static String enqueue(Connection connection, JobRequest request) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO queue_jobs (type, payload, max_attempts, idempotency_key, scheduled_for)
                VALUES (?, ?::jsonb, ?, ?, now() + ? * interval '1 millisecond')
                ON CONFLICT (type, idempotency_key) DO NOTHING
                RETURNING id""")) {
            insert.setString(1, request.type());
            insert.setString(2, request.payload());
            insert.setInt(3, request.maxAttempts());
            insert.setString(4, request.idempotencyKey().orElse(null));
            insert.setLong(5, request.delay().toMillis());
            Optional<String> id = firstText(insert);
            if (id.isPresent()) {
                DatabaseEvents.notify(connection, CHANNEL);
                return id.get();
            }
        }
        try (PreparedStatement existing = connection.prepareStatement(
                "SELECT id FROM queue_jobs WHERE type = ? AND idempotency_key = ?")) {
            existing.setString(1, request.type());
            existing.setString(2, request.idempotencyKey().orElseThrow());
            // the key's job was deleted by the housekeeping between the two statements: nothing left to return
            return firstText(existing).orElseThrow(() -> new SQLException(
                    "The job with idempotency key " + request.idempotencyKey().get() + " was just deleted"));
        }
    }

    /** Enqueues one job per payload under a new batch, all in one transaction; returns the batch id. */
    public String enqueueBatch(String type, List<String> payloads, int maxAttempts) throws SQLException {
        JsonArrayBuilder array = JsonFactory.array();
        payloads.forEach(array::add);
        try (Connection connection = dataSource.getConnection()) {
            return Transaction.run(connection, transaction -> {
                String batchId;
                try (PreparedStatement batch = transaction.prepareStatement(
                        "INSERT INTO queue_job_batches (type, total_jobs) VALUES (?, ?) RETURNING id")) {
                    batch.setString(1, type);
                    batch.setInt(2, payloads.size());
                    batchId = firstText(batch).orElseThrow();
                }
                try (PreparedStatement jobs = transaction.prepareStatement(
                        "INSERT INTO queue_jobs (type, payload, max_attempts, batch_id)"
                        + " SELECT ?, payload::jsonb, ?, ? FROM jsonb_array_elements_text(?::jsonb) AS payload")) {
                    jobs.setString(1, type);
                    jobs.setInt(2, maxAttempts);
                    jobs.setString(3, batchId);
                    jobs.setString(4, array.build().toString());
                    jobs.executeUpdate();
                }
                DatabaseEvents.notify(transaction, CHANNEL);
                return batchId;
            });
        }
    }

    /**
     * Claims the next job of one of {@code types} for {@code worker} with a lease of {@code lease}: first a job whose
     * lease ran out (its worker stopped), else the next due one. Nothing when none is. The claim's {@code locked_by}
     * is {@code <worker>#<random>}.
     */
    public Optional<Job> claim(String worker, Duration lease, List<String> types) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement claim = connection.prepareStatement("""
                     UPDATE queue_jobs SET status = 'processing', attempts = attempts + 1, locked_by = ?,
                            locked_until = now() + ? * interval '1 millisecond', started_at = now(), updated_at = now()
                     WHERE id = coalesce(
                         (SELECT id FROM queue_jobs WHERE status = 'processing' AND locked_until < now()
                          AND type = ANY (?) LIMIT 1 FOR UPDATE SKIP LOCKED),
                         (SELECT id FROM queue_jobs WHERE status = 'pending' AND scheduled_for <= now()
                          AND type = ANY (?) ORDER BY scheduled_for LIMIT 1 FOR UPDATE SKIP LOCKED))
                     RETURNING\s""" + JOB_COLUMNS)) {
            // each claim its own name: a claim released (its attempt not counted) and taken again is another claim
            claim.setString(1, worker + "#" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            claim.setLong(2, lease.toMillis());
            Array typeArray = connection.createArrayOf("text", types.toArray());
            claim.setArray(3, typeArray);
            claim.setArray(4, typeArray);
            try (ResultSet row = claim.executeQuery()) {
                return row.next() ? Optional.of(Job.from(row)) : Optional.empty();
            }
        }
    }

    /** Extends the lease of {@code job} to {@code lease} from now; false when its claim was lost. */
    public boolean extend(Job job, Duration lease) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement extend = connection.prepareStatement(
                     "UPDATE queue_jobs SET locked_until = now() + ? * interval '1 millisecond'"
                     + " WHERE id = ? AND status = 'processing' AND locked_by = ? AND attempts = ?")) {
            extend.setLong(1, lease.toMillis());
            bindClaim(extend, 2, job);
            return extend.executeUpdate() == 1;
        }
    }

    /** Marks the claimed {@code job} completed with {@code result} (JSON text or null); false when its claim was lost. */
    public boolean complete(Job job, String result) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return Transaction.run(connection, transaction -> {
                Optional<String> batch;
                try (PreparedStatement complete = transaction.prepareStatement("""
                        UPDATE queue_jobs SET status = 'completed', result = ?::jsonb, error = NULL, locked_by = NULL,
                               locked_until = NULL, completed_at = now(), updated_at = now()
                        WHERE id = ? AND status = 'processing' AND locked_by = ? AND attempts = ?
                        RETURNING coalesce(batch_id, '') AS batch_id""")) {
                    complete.setString(1, result);
                    bindClaim(complete, 2, job);
                    batch = firstText(complete);
                }
                if (batch.isPresent() && !batch.get().isEmpty()) {
                    count(transaction, "completed_jobs", batch.get());
                }
                return batch.isPresent();
            });
        }
    }

    /**
     * Records a failed attempt of the claimed {@code job}: retried after an exponential backoff while attempts
     * remain, otherwise failed. Returns the job's new status, or nothing when its claim was lost.
     */
    public Optional<String> fail(Job job, String error) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return Transaction.run(connection, transaction -> {
                Optional<String> status = Optional.empty();
                String batch = "";
                try (PreparedStatement fail = transaction.prepareStatement("""
                        UPDATE queue_jobs SET
                            status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
                            scheduled_for = CASE WHEN attempts >= max_attempts THEN scheduled_for
                                            ELSE now() + least(? * power(2, attempts - 1), ?) * interval '1 millisecond'
                                            END,
                            completed_at = CASE WHEN attempts >= max_attempts THEN now() END,
                            error = ?, locked_by = NULL, locked_until = NULL, updated_at = now()
                        WHERE id = ? AND status = 'processing' AND locked_by = ? AND attempts = ?
                        RETURNING status, coalesce(batch_id, '') AS batch_id""")) {
                    fail.setLong(1, backoff.toMillis());
                    fail.setLong(2, MAX_BACKOFF.toMillis());
                    fail.setString(3, error);
                    bindClaim(fail, 4, job);
                    try (ResultSet row = fail.executeQuery()) {
                        if (row.next()) {
                            status = Optional.of(row.getString("status"));
                            batch = row.getString("batch_id");
                        }
                    }
                }
                if (status.equals(Optional.of("failed")) && !batch.isEmpty()) {
                    count(transaction, "failed_jobs", batch);
                }
                return status;
            });
        }
    }

    /**
     * Gives the claimed {@code job} back at once, lease cleared, as at a shutdown: another worker may take it now;
     * the interrupted run does not count as an attempt. False when its claim was lost already.
     */
    public boolean release(Job job) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement release = connection.prepareStatement("""
                     UPDATE queue_jobs SET status = 'pending', attempts = attempts - 1, locked_by = NULL,
                            locked_until = NULL, started_at = NULL, scheduled_for = now(), updated_at = now()
                     WHERE id = ? AND status = 'processing' AND locked_by = ? AND attempts = ?""")) {
            bindClaim(release, 1, job);
            boolean released = release.executeUpdate() == 1;
            if (released) {
                DatabaseEvents.notify(connection, CHANNEL);
            }
            return released;
        }
    }

    /** How long the job waits after its failed attempt {@code attempt} (the first is 1), as {@link #fail} sets it. */
    Duration backoffAfter(int attempt) {
        double millis = backoff.toMillis() * Math.pow(2, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(millis, MAX_BACKOFF.toMillis()));
    }

    public Optional<JobBatch> batch(String batchId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement batch = connection.prepareStatement(
                     "SELECT id, type, total_jobs, completed_jobs, failed_jobs, status FROM queue_job_batches"
                     + " WHERE id = ?")) {
            batch.setString(1, batchId);
            try (ResultSet row = batch.executeQuery()) {
                return row.next() ? Optional.of(JobBatch.from(row)) : Optional.empty();
            }
        }
    }

    private static void bindClaim(PreparedStatement statement, int first, Job job) throws SQLException {
        statement.setString(first, job.id());
        statement.setString(first + 1, job.lockedBy());
        statement.setInt(first + 2, job.attempts());
    }

    /** Counts one ended job of the batch and closes it when all ended (SET sees the row before the update). */
    private static void count(Connection connection, String column, String batchId) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(
                column.equals("failed_jobs") ? COUNT_FAILED : COUNT_COMPLETED)) {
            count.setString(1, batchId);
            count.executeUpdate();
        }
    }

    private static final String COUNT_COMPLETED = """
            UPDATE queue_job_batches SET completed_jobs = completed_jobs + 1,
                status = CASE WHEN completed_jobs + failed_jobs + 1 < total_jobs THEN 'processing'
                              WHEN failed_jobs > 0 THEN 'failed' ELSE 'completed' END,
                completed_at = CASE WHEN completed_jobs + failed_jobs + 1 = total_jobs THEN now() END
            WHERE id = ?""";

    private static final String COUNT_FAILED = """
            UPDATE queue_job_batches SET failed_jobs = failed_jobs + 1,
                status = CASE WHEN completed_jobs + failed_jobs + 1 < total_jobs THEN 'processing' ELSE 'failed' END,
                completed_at = CASE WHEN completed_jobs + failed_jobs + 1 = total_jobs THEN now() END
            WHERE id = ?""";

    private static Optional<String> firstText(PreparedStatement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
        }
    }
}
