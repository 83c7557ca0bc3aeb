package com.deploystack.backend.routes;

import java.util.Optional;
import java.util.Set;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.jobs.JobQueries;
import com.deploystack.backend.json.JsonFactory;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code /api/admin/jobs…}: the background jobs, their counts, batches, and the retry of a failed job. */
final class JobHandlers {

    private static final Set<String> STATUSES = Set.of("pending", "processing", "completed", "failed");
    private static final int MAX_LIMIT = 1000;
    private static final int DEFAULT_LIMIT = 50;

    private final Database database;

    JobHandlers(Database database) {
        this.database = database;
    }

    /** {@code GET /api/admin/jobs?status=&type=&limit=&offset=}: newest first. */
    void list(ServerRequest request, ServerResponse response) {
        Optional<String> status = request.query().first("status").asOptional();
        if (status.isPresent() && !STATUSES.contains(status.get())) {
            throw Fields.badRequest("Query parameter \"status\" must be pending, processing, completed or failed.");
        }
        Optional<String> type = request.query().first("type").asOptional().filter(text -> !text.isBlank());
        int limit = Fields.wholeQuery(request.query(), "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
        int offset = Fields.wholeQuery(request.query(), "offset", 0, Integer.MAX_VALUE, 0);
        JobQueries.Page page = new JobQueries(database.client()).list(status, type, limit, offset);
        Envelope.ok(response, JsonFactory.object()
                .add("jobs", JsonFactory.array(page.jobs()))
                .add("total", page.total())
                .add("limit", limit)
                .add("offset", offset)
                .build());
    }

    void get(ServerRequest request, ServerResponse response) {
        Envelope.ok(response, new JobQueries(database.client()).job(request.path().pathParameters().get("id"))
                .orElseThrow(() -> new ApiException(Status.NOT_FOUND_404, "Job not found")));
    }

    void stats(ServerRequest request, ServerResponse response) {
        Envelope.ok(response, new JobQueries(database.client()).stats());
    }

    void batch(ServerRequest request, ServerResponse response) {
        Envelope.ok(response, new JobQueries(database.client()).batch(request.path().pathParameters().get("id"))
                .orElseThrow(() -> new ApiException(Status.NOT_FOUND_404, "Batch not found")));
    }

    /** {@code POST /api/admin/jobs/{id}/retry}: a failed job runs again with its attempts reset. */
    void retry(ServerRequest request, ServerResponse response) {
        JobQueries jobs = new JobQueries(database.client());
        String id = request.path().pathParameters().get("id");
        switch (jobs.retry(id)) {
            case NOT_FOUND -> throw new ApiException(Status.NOT_FOUND_404, "Job not found");
            case NOT_FAILED -> throw new ApiException(Status.CONFLICT_409, "Only a failed job can be retried.");
            case RETRIED -> Envelope.ok(response, jobs.job(id)
                    .orElseThrow(() -> new ApiException(Status.NOT_FOUND_404, "Job not found")));
        }
    }
}
