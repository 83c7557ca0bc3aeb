package com.deploystack.backend.routes;

import java.util.Set;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.services.Project;
import com.deploystack.backend.services.ProjectService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;

/** {@code GET/POST /api/projects}, the spec's example route. */
final class ProjectHandlers {

    private static final int MAX_LIMIT = 1000;

    private final Database database;
    private final long bodyLimit;

    ProjectHandlers(Database database, long bodyLimit) {
        this.database = database;
        this.bodyLimit = bodyLimit;
    }

    void list(ServerRequest request, ServerResponse response) {
        int limit = Fields.wholeQuery(request.query(), "limit", 1, MAX_LIMIT, 100);
        JsonArrayBuilder listed = JsonFactory.array();
        ReadYourWrites.read(database, request, db -> new ProjectService(db).list(limit))
                .forEach(project -> listed.add(project.toJson()));
        Envelope.ok(response, listed.build());
    }

    void create(ServerRequest request, ServerResponse response) {
        ProjectService projects = new ProjectService(database.client());
        JsonObject body = JsonBodies.readObject(request, bodyLimit);
        Fields.onlyKnown(body, Set.of("name"));
        Project project = projects.create(Fields.requiredText(body, "name", 200));
        Envelope.created(response, project.toJson());
    }
}
