package com.deploystack.backend.routes;

import java.util.Set;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.services.Installation;
import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.services.McpInstallationService;
import com.deploystack.backend.services.TeamService;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;

/** {@code /api/teams/{teamId}/mcp/installations}: list, install, delete, answering like DeployStack. */
final class InstallationHandlers {

    private final Database database;
    private final long bodyLimit;

    InstallationHandlers(Database database, long bodyLimit) {
        this.database = database;
        this.bodyLimit = bodyLimit;
    }

    void list(ServerRequest request, ServerResponse response) {
        String teamId = teamId(request);
        JsonArrayBuilder installations = JsonFactory.array();
        ReadYourWrites.read(database, request, db -> {
            requireTeam(db, teamId);
            return new McpInstallationService(db).list(teamId);
        }).forEach(installation -> installations.add(installation.toJson()));
        Envelope.ok(response, installations.build());
    }

    void install(ServerRequest request, ServerResponse response) {
        DbClient db = database.client();
        JsonObject body = JsonBodies.readObject(request, bodyLimit);
        Fields.onlyKnown(body, Set.of("server_id", "installation_name", "installation_type", "configuration"));
        String serverId = Fields.requiredText(body, "server_id", 100);
        String name = Fields.requiredText(body, "installation_name", 100);
        String type = Fields.optionalText(body, "installation_type", 20).orElse("local");
        String configuration = Fields.optionalObject(body, "configuration").map(JsonObject::toString).orElse("{}");
        String teamId = teamId(request);
        requireTeam(db, teamId);
        Installation installation = new McpInstallationService(db).install(teamId, serverId, name, type, configuration);
        Envelope.created(response, installation.toJson());
    }

    void delete(ServerRequest request, ServerResponse response) {
        String id = request.path().pathParameters().get("installationId");
        if (!new McpInstallationService(database.client()).deleteInstallation(id, teamId(request))) {
            throw new ApiException(Status.NOT_FOUND_404, "Installation not found");
        }
        Envelope.ok(response, JsonFactory.object().add("id", id).add("deleted", true).build());
    }

    private static void requireTeam(DbClient db, String teamId) {
        if (!new TeamService(db).exists(teamId)) {
            throw TeamHandlers.notFound();
        }
    }

    private static String teamId(ServerRequest request) {
        return request.path().pathParameters().get("teamId");
    }
}
