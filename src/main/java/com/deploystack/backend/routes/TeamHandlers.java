package com.deploystack.backend.routes;

import java.util.Locale;
import java.util.Set;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.services.Team;
import com.deploystack.backend.services.TeamService;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;

/** {@code POST /api/teams} and {@code GET/PUT/DELETE /api/teams/{id}}. */
final class TeamHandlers {

    static final String NOT_FOUND = "Team not found";

    private final Database database;
    private final long bodyLimit;

    TeamHandlers(Database database, long bodyLimit) {
        this.database = database;
        this.bodyLimit = bodyLimit;
    }

    void create(ServerRequest request, ServerResponse response) {
        TeamService teams = new TeamService(database.client());
        JsonObject body = JsonBodies.readObject(request, bodyLimit);
        Fields.onlyKnown(body, Set.of("name", "slug", "description"));
        String name = Fields.requiredText(body, "name", 100);
        String slug = Fields.optionalText(body, "slug", 100).orElseGet(() -> slugOf(name));
        if (!slug.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw Fields.badRequest("Field \"slug\" may hold only lowercase letters, digits and single dashes.");
        }
        String description = Fields.optionalText(body, "description", 1000).orElse(null);
        Team team = teams.create(name, slug, description);
        Envelope.created(response, team.toJson());
    }

    void get(ServerRequest request, ServerResponse response) {
        Team team = ReadYourWrites.read(database, request, db -> new TeamService(db).find(id(request)))
                .orElseThrow(TeamHandlers::notFound);
        Envelope.ok(response, team.toJson());
    }

    void update(ServerRequest request, ServerResponse response) {
        TeamService teams = new TeamService(database.client());
        JsonObject body = JsonBodies.readObject(request, bodyLimit);
        Fields.onlyKnown(body, Set.of("name"));
        String name = Fields.requiredText(body, "name", 100);
        if (!teams.updateTeamName(id(request), name)) {
            throw notFound();
        }
        Envelope.ok(response, teams.find(id(request)).orElseThrow(TeamHandlers::notFound).toJson());
    }

    void delete(ServerRequest request, ServerResponse response) {
        String id = id(request);
        if (!new TeamService(database.client()).delete(id)) {
            throw notFound();
        }
        Envelope.ok(response, JsonFactory.object().add("id", id).add("deleted", true).build());
    }

    static ApiException notFound() {
        return new ApiException(Status.NOT_FOUND_404, NOT_FOUND);
    }

    private static String id(ServerRequest request) {
        return request.path().pathParameters().get("id");
    }

    private static String slugOf(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (slug.isEmpty()) {
            throw Fields.badRequest("Field \"slug\" is required when the name has no letters or digits.");
        }
        return slug;
    }
}
