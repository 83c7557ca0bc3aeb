package com.deploystack.backend.jobs;

import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.deploystack.backend.db.Rows;
import com.deploystack.backend.json.JsonFactory;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

/** What the admin routes show of the jobs and batches, and the retry of a failed job (Helidon DbClient). */
public final class JobQueries {

    /** The outcome of a retry. */
    public enum Retry { RETRIED, NOT_FOUND, NOT_FAILED }

    /** One page of jobs, newest first, and how many match in all. */
    public record Page(List<JsonObject> jobs, long total) {
    }

    private static final String JOB_COLUMNS = """
            id, type, status, payload::text AS payload, result::text AS result, error, attempts, max_attempts,
            batch_id, idempotency_key, locked_by, locked_until, scheduled_for, started_at, completed_at, created_at,
            updated_at""";
    /** Filters that are off when their parameter is NULL. */
    private static final String FILTER = "WHERE (?::text IS NULL OR status = ?) AND (?::text IS NULL OR type = ?)";

    private final DbClient db;

    public JobQueries(DbClient db) {
        this.db = db;
    }

    public Page list(Optional<String> status, Optional<String> type, int limit, int offset) {
        String statusFilter = status.orElse(null);
        String typeFilter = type.orElse(null);
        List<JsonObject> jobs = new ArrayList<>();
        try (Stream<DbRow> rows = db.execute().query("SELECT " + JOB_COLUMNS + " FROM queue_jobs " + FILTER
                                                     + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                                                     statusFilter, statusFilter, typeFilter, typeFilter, limit, offset)) {
            rows.forEach(row -> jobs.add(job(row)));
        }
        long total = db.execute().get("SELECT count(*) AS total FROM queue_jobs " + FILTER,
                                      statusFilter, statusFilter, typeFilter, typeFilter)
                .map(row -> ((Number) row.column("total").get()).longValue())
                .orElse(0L);
        return new Page(jobs, total);
    }

    public Optional<JsonObject> job(String id) {
        return db.execute().get("SELECT " + JOB_COLUMNS + " FROM queue_jobs WHERE id = ?", id).map(JobQueries::job);
    }

    /** Counts per status and per type, and the age of the oldest job waiting to run (null when none waits). */
    public JsonObject stats() {
        JsonObjectBuilder byStatus = JsonFactory.object();
        for (String status : List.of("pending", "processing", "completed", "failed")) {
            byStatus.add(status, 0);
        }
        List<JsonObject> byType = new ArrayList<>();
        long[] total = {0};
        try (Stream<DbRow> rows = db.execute().query("SELECT status, count(*) AS jobs FROM queue_jobs GROUP BY status")) {
            rows.forEach(row -> {
                long count = number(row, "jobs");
                byStatus.add(Rows.text(row, "status"), count);
                total[0] += count;
            });
        }
        try (Stream<DbRow> rows = db.execute().query("""
                SELECT type, count(*) FILTER (WHERE status = 'pending') AS pending,
                       count(*) FILTER (WHERE status = 'processing') AS processing,
                       count(*) FILTER (WHERE status = 'completed') AS completed,
                       count(*) FILTER (WHERE status = 'failed') AS failed
                FROM queue_jobs GROUP BY type ORDER BY type""")) {
            rows.forEach(row -> byType.add(JsonFactory.object()
                    .add("type", Rows.text(row, "type"))
                    .add("pending", number(row, "pending"))
                    .add("processing", number(row, "processing"))
                    .add("completed", number(row, "completed"))
                    .add("failed", number(row, "failed"))
                    .build()));
        }
        JsonValue oldest = db.execute().get("""
                SELECT extract(epoch FROM now() - min(scheduled_for))::float8 AS age FROM queue_jobs
                WHERE status = 'pending' AND scheduled_for <= now()""")
                .flatMap(row -> row.column("age").asOptional())
                .map(age -> (JsonValue) JsonFactory.number(BigDecimal.valueOf(((Number) age).doubleValue())))
                .orElse(JsonValue.NULL);
        return JsonFactory.object()
                .add("total", total[0])
                .add("by_status", byStatus)
                .add("by_type", JsonFactory.array(byType))
                .add("oldest_pending_seconds", oldest)
                .build();
    }

    public Optional<JsonObject> batch(String id) {
        return db.execute().get("""
                SELECT id, type, status, total_jobs, completed_jobs, failed_jobs, metadata::text AS metadata,
                       created_at, completed_at,
                       (SELECT count(*) FROM queue_jobs WHERE batch_id = b.id AND status = 'pending') AS pending_jobs,
                       (SELECT count(*) FROM queue_jobs WHERE batch_id = b.id AND status = 'processing')
                           AS processing_jobs
                FROM queue_job_batches b WHERE id = ?""", id)
                .map(row -> {
                    int totalJobs = Rows.integer(row, "total_jobs");
                    int ended = Rows.integer(row, "completed_jobs") + Rows.integer(row, "failed_jobs");
                    return JsonFactory.object()
                            .add("id", Rows.text(row, "id"))
                            .add("type", Rows.text(row, "type"))
                            .add("status", Rows.text(row, "status"))
                            .add("total_jobs", totalJobs)
                            .add("completed_jobs", Rows.integer(row, "completed_jobs"))
                            .add("failed_jobs", Rows.integer(row, "failed_jobs"))
                            .add("pending_jobs", number(row, "pending_jobs"))
                            .add("processing_jobs", number(row, "processing_jobs"))
                            .add("progress", totalJobs == 0 ? 1.0 : (double) ended / totalJobs)
                            .add("metadata", json(Rows.text(row, "metadata")))
                            .add("created_at", time(row, "created_at"))
                            .add("completed_at", time(row, "completed_at"))
                            .build();
                });
    }

    /**
     * Gives a failed job its attempts again, due at once (a worker takes it within {@code jobs.poll}); its batch
     * counts it as not ended any more. One statement, so the job and its batch change together.
     */
    public Retry retry(String id) {
        Optional<String> status = db.execute().get("""
                WITH retried AS (
                    UPDATE queue_jobs SET status = 'pending', attempts = 0, error = NULL, result = NULL,
                           locked_by = NULL, locked_until = NULL, started_at = NULL, completed_at = NULL,
                           scheduled_for = now(), updated_at = now()
                    WHERE id = ? AND status = 'failed'
                    RETURNING batch_id),
                reopened AS (
                    UPDATE queue_job_batches SET failed_jobs = failed_jobs - 1, status = 'processing',
                           completed_at = NULL
                    WHERE id = (SELECT batch_id FROM retried))
                SELECT 'retried' AS outcome FROM retried
                UNION ALL SELECT status FROM queue_jobs WHERE id = ? AND NOT EXISTS (SELECT 1 FROM retried)""", id, id)
                .map(row -> Rows.text(row, "outcome"));
        if (status.isEmpty()) {
            return Retry.NOT_FOUND;
        }
        return status.get().equals("retried") ? Retry.RETRIED : Retry.NOT_FAILED;
    }

    private static JsonObject job(DbRow row) {
        return JsonFactory.object()
                .add("id", Rows.text(row, "id"))
                .add("type", Rows.text(row, "type"))
                .add("status", Rows.text(row, "status"))
                .add("payload", json(Rows.text(row, "payload")))
                .add("result", json(Rows.text(row, "result")))
                .add("error", text(Rows.text(row, "error")))
                .add("attempts", Rows.integer(row, "attempts"))
                .add("max_attempts", Rows.integer(row, "max_attempts"))
                .add("batch_id", text(Rows.text(row, "batch_id")))
                .add("idempotency_key", text(Rows.text(row, "idempotency_key")))
                .add("locked_by", text(Rows.text(row, "locked_by")))
                .add("locked_until", time(row, "locked_until"))
                .add("scheduled_for", time(row, "scheduled_for"))
                .add("started_at", time(row, "started_at"))
                .add("completed_at", time(row, "completed_at"))
                .add("created_at", time(row, "created_at"))
                .add("updated_at", time(row, "updated_at"))
                .build();
    }

    private static long number(DbRow row, String column) {
        return ((Number) row.column(column).get()).longValue();
    }

    private static JsonValue json(String text) {
        if (text == null) {
            return JsonValue.NULL;
        }
        try (JsonReader reader = JsonFactory.reader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    private static JsonValue text(String value) {
        return value == null ? JsonValue.NULL : JsonFactory.value(value);
    }

    private static JsonValue time(DbRow row, String column) {
        Instant instant = Rows.instant(row, column);
        return instant == null ? JsonValue.NULL : JsonFactory.value(instant.toString());
    }
}
