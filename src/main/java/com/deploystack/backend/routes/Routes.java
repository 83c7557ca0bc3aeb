package com.deploystack.backend.routes;

import java.util.List;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseInitializer;
import com.deploystack.backend.db.DatabaseNotAvailableException;
import com.deploystack.backend.db.SetupException;
import io.helidon.dbclient.DbClientException;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * The routing table: every path of the service is here. Health endpoints ({@code /observe/health},
 * {@code /live}, {@code /ready}, {@code /started}) are added by the observe feature in {@code Application}.
 * Setup and status stay open, as the spec has them; the management routes need the admin token.
 */
public final class Routes {

    /** A management route: method, path (with {@code {parameters}}) and its handler. */
    public record Endpoint(Method method, String path, Handler handler) {
    }

    private static final JsonObject OK = Json.createObjectBuilder().add("status", "ok").build();

    private Routes() {
    }

    public static void register(HttpRouting.Builder routing, Database database, DatabaseInitializer initializer,
                                AdminToken adminToken, SetupToken setupToken, long bodyLimit) {
        DatabaseHandlers db = new DatabaseHandlers(database, initializer, bodyLimit, setupToken);
        SetupPage setupPage = new SetupPage();
        routing.get("/api/db/status", db::status)
                .post("/api/db/setup", db::setup)
                .get("/setup", setupPage::show)
                .get("/api/health", (request, response) -> JsonResponse.send(response, OK));
        for (Endpoint endpoint : management(database, bodyLimit)) {
            routing.route(endpoint.method(), endpoint.path(), adminToken.protect(endpoint.handler()));
        }
        routing.error(ApiException.class, ErrorHandlers::api)
                .error(SetupException.class, ErrorHandlers::setup)
                .error(DatabaseNotAvailableException.class, ErrorHandlers::databaseNotAvailable)
                .error(DbClientException.class, ErrorHandlers::database)
                .error(HttpException.class, ErrorHandlers::http)
                .error(Exception.class, ErrorHandlers::unexpected);
    }

    /** The management routes, each registered behind the admin token. */
    public static List<Endpoint> management(Database database, long bodyLimit) {
        ProjectHandlers projects = new ProjectHandlers(database, bodyLimit);
        TeamHandlers teams = new TeamHandlers(database, bodyLimit);
        InstallationHandlers installations = new InstallationHandlers(database, bodyLimit);
        TokenHandlers tokens = new TokenHandlers(database);
        return List.of(
                new Endpoint(Method.GET, "/api/projects", projects::list),
                new Endpoint(Method.POST, "/api/projects", projects::create),
                new Endpoint(Method.POST, "/api/teams", teams::create),
                new Endpoint(Method.GET, "/api/teams/{id}", teams::get),
                new Endpoint(Method.PUT, "/api/teams/{id}", teams::update),
                new Endpoint(Method.DELETE, "/api/teams/{id}", teams::delete),
                new Endpoint(Method.GET, "/api/teams/{teamId}/mcp/installations", installations::list),
                new Endpoint(Method.POST, "/api/teams/{teamId}/mcp/installations", installations::install),
                new Endpoint(Method.DELETE, "/api/teams/{teamId}/mcp/installations/{installationId}",
                             installations::delete),
                new Endpoint(Method.POST, "/api/admin/tokens/revoke-expired", tokens::revokeExpired));
    }
}
