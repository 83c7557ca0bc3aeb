package com.deploystack.backend.routes;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.deploystack.backend.jobs.Job;
import com.deploystack.backend.jobs.JobQueue;
import com.deploystack.backend.jobs.JobRequest;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/** {@code /api/admin/jobs…} (401 and 503 are covered for every management route by ManagementRoutesTest). */
class JobRoutesTest {

    private static final String TOKEN = "test-admin-token-jobs-0123456789";
    private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
    private static final Duration LEASE = Duration.ofSeconds(30);

    @TempDir
    static Path data;
    private static String database;
    private static TestService service;
    private static JobQueue queue;

    @BeforeAll
    static void start() {
        database = TestPostgres.get().createDatabase("jobroutes");
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        // no workers and no schedules: the jobs stay as the test puts them
        service = TestService.start(env, data, Path.of("migrations"), Map.of(
                "jobs.workers", "0", "jobs.housekeeping.interval", "0", "tokens.sweep.interval", "0"));
        assertThat(service.setup().status(), is(200));
        DataSource dataSource = service.application().database().dataSource().orElseThrow();
        queue = new JobQueue(dataSource, Duration.ZERO);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void emptyQueue() throws SQLException {
        execute("DELETE FROM queue_job_batches; DELETE FROM queue_jobs");
    }

    @Test
    void theListIsNewestFirstFilteredByStatusAndTypeAndPaged() throws SQLException {
        for (int i = 0; i < 5; i++) {
            queue.enqueue(JobRequest.of("mail", "{\"n\":" + i + "}"));
        }
        queue.enqueue(JobRequest.of("report", "{}"));
        execute("UPDATE queue_jobs SET created_at = now() - ((payload->>'n')::int + 1) * interval '1 minute'"
                + " WHERE type = 'mail'");
        execute("UPDATE queue_jobs SET status = 'completed', completed_at = now() WHERE payload->>'n' = '4'");

        JsonObject all = data(service.request("GET", "/api/admin/jobs", null, AUTH));
        assertThat(all.getInt("total"), is(6));
        assertThat(all.getInt("limit"), is(50));
        JsonArray jobs = all.getJsonArray("jobs");
        assertThat(jobs.getJsonObject(0).getString("type"), is("report"));
        assertThat(jobs.getJsonObject(1).getJsonObject("payload").getInt("n"), is(0));
        assertThat(jobs.getJsonObject(5).getJsonObject("payload").getInt("n"), is(4));

        JsonObject page = data(service.request("GET", "/api/admin/jobs?type=mail&status=pending&limit=2&offset=1", null,
                                               AUTH));
        assertThat(page.getInt("total"), is(4));
        assertThat(page.getJsonArray("jobs").size(), is(2));
        assertThat(page.getJsonArray("jobs").getJsonObject(0).getJsonObject("payload").getInt("n"), is(1));
        assertThat(page.getJsonArray("jobs").getJsonObject(1).getJsonObject("payload").getInt("n"), is(2));

        for (int i = 0; i < 25; i++) {
            assertThat("each list and stats gives its connections back (pool of 10)",
                       service.request("GET", i % 2 == 0 ? "/api/admin/jobs" : "/api/admin/jobs/stats", null, AUTH)
                               .status(), is(200));
        }
        for (String bad : List.of("status=stuck", "limit=0", "limit=1001", "offset=-1", "limit=ten")) {
            TestService.Response response = service.request("GET", "/api/admin/jobs?" + bad, null, AUTH);
            assertThat(bad, response.status(), is(400));
            assertThat(response.json().getBoolean("success"), is(false));
        }
    }

    @Test
    void oneJobShowsEveryFieldAndAnUnknownIdIs404() throws SQLException {
        String id = queue.enqueue(JobRequest.of("mail", "{\"to\":\"ada\"}").withIdempotencyKey("k-1"));
        JsonObject job = data(service.request("GET", "/api/admin/jobs/" + id, null, AUTH));
        assertThat(job.getString("id"), is(id));
        assertThat(job.getString("status"), is("pending"));
        assertThat(job.getJsonObject("payload").getString("to"), is("ada"));
        assertThat(job.getString("idempotency_key"), is("k-1"));
        assertThat(job.getInt("attempts"), is(0));
        assertThat(job.getInt("max_attempts"), is(3));
        for (String field : List.of("result", "error", "batch_id", "locked_by", "locked_until", "started_at",
                                    "completed_at")) {
            assertThat(field, job.get(field), is(JsonValue.NULL));
        }
        for (String field : List.of("scheduled_for", "created_at", "updated_at")) {
            assertThat(field, job.getString(field), containsString("T"));
        }
        TestService.Response missing = service.request("GET", "/api/admin/jobs/nope", null, AUTH);
        assertThat(missing.status(), is(404));
        assertThat(missing.body(), is("{\"success\":false,\"error\":\"Job not found\"}"));
    }

    @Test
    void theStatsCountPerStatusAndTypeWithTheOldestPendingAge() throws SQLException {
        queue.enqueue(JobRequest.of("mail", "{}"));
        queue.enqueue(JobRequest.of("mail", "{}"));
        queue.enqueue(JobRequest.of("report", "{}"));
        execute("UPDATE queue_jobs SET scheduled_for = now() - interval '90 seconds' WHERE type = 'report'");
        queue.claim("w", LEASE, List.of("mail", "report"));
        JsonObject stats = data(service.request("GET", "/api/admin/jobs/stats", null, AUTH));
        assertThat(stats.getInt("total"), is(3));
        assertThat(stats.getJsonObject("by_status").getInt("pending"), is(2));
        assertThat(stats.getJsonObject("by_status").getInt("processing"), is(1));
        assertThat(stats.getJsonObject("by_status").getInt("failed"), is(0));
        JsonObject mail = stats.getJsonArray("by_type").getJsonObject(0);
        assertThat(mail.getString("type"), is("mail"));
        assertThat(mail.getInt("pending"), is(2));
        assertThat("the report was claimed first (the oldest due): the mails wait",
                   stats.getJsonNumber("oldest_pending_seconds").doubleValue() < 60, is(true));

        execute("DELETE FROM queue_jobs WHERE status = 'pending'");
        assertThat(data(service.request("GET", "/api/admin/jobs/stats", null, AUTH)).get("oldest_pending_seconds"),
                   is(JsonValue.NULL));
    }

    @Test
    void aBatchShowsItsProgressAndAFailedJobIsRetriedOnce() throws SQLException {
        String batch = queue.enqueueBatch("mail", List.of("{}", "{}", "{}", "{}"), 1);
        Job done = queue.claim("w", LEASE, List.of("mail", "report")).orElseThrow();
        queue.complete(done, "{}");
        Job failed = queue.claim("w", LEASE, List.of("mail", "report")).orElseThrow();
        queue.fail(failed, "smtp refused");
        queue.claim("w", LEASE, List.of("mail", "report")).orElseThrow();

        JsonObject progress = data(service.request("GET", "/api/admin/jobs/batches/" + batch, null, AUTH));
        assertThat(progress.getInt("total_jobs"), is(4));
        assertThat(progress.getInt("completed_jobs"), is(1));
        assertThat(progress.getInt("failed_jobs"), is(1));
        assertThat(progress.getInt("processing_jobs"), is(1));
        assertThat(progress.getInt("pending_jobs"), is(1));
        assertThat(progress.getJsonNumber("progress").doubleValue(), is(0.5));
        assertThat(progress.getString("status"), is("processing"));
        assertThat(service.request("GET", "/api/admin/jobs/batches/nope", null, AUTH).status(), is(404));

        TestService.Response retried = service.request("POST", "/api/admin/jobs/" + failed.id() + "/retry", null, AUTH);
        assertThat(retried.status(), is(200));
        JsonObject job = retried.json().getJsonObject("data");
        assertThat(job.getString("status"), is("pending"));
        assertThat(job.getInt("attempts"), is(0));
        assertThat(job.get("error"), is(JsonValue.NULL));
        JsonObject after = data(service.request("GET", "/api/admin/jobs/batches/" + batch, null, AUTH));
        assertThat("the batch counts it as not ended", after.getInt("failed_jobs"), is(0));
        assertThat(after.getInt("pending_jobs"), is(2));

        TestService.Response again = service.request("POST", "/api/admin/jobs/" + failed.id() + "/retry", null, AUTH);
        assertThat(again.status(), is(409));
        assertThat(again.json().getString("error"), is("Only a failed job can be retried."));
        assertThat(service.request("POST", "/api/admin/jobs/nope/retry", null, AUTH).status(), is(404));
    }

    private static JsonObject data(TestService.Response response) {
        assertThat(response.body(), response.status(), is(200));
        assertThat(response.json().getBoolean("success"), is(true));
        return response.json().getJsonObject("data");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
