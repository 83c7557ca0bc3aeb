package com.deploystack.backend.routes;

import java.util.ArrayList;
import java.util.List;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseInitializer;
import com.deploystack.backend.db.DatabaseNotAvailableException;
import com.deploystack.backend.db.SetupException;
import com.deploystack.backend.health.HealthHead;
import com.deploystack.backend.plugins.Plugins;
import com.deploystack.backend.plugins.PluginsDisabledException;
import com.deploystack.backend.settings.GlobalSettings;
import io.helidon.dbclient.DbClientException;
import io.helidon.health.HealthCheck;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * The routing table: every path of the service is here. Health endpoints ({@code /observe/health},
 * {@code /live}, {@code /ready}, {@code /started}) are served for GET by the observe feature in
 * {@code Application}, for HEAD here; {@code /observe/metrics} and {@code /observe/info} by
 * {@code observe.Observability}. A path served with other methods answers 405 with {@code Allow}.
 * Setup and status stay open, as the spec has them; the management routes and the plugins' routes
 * ({@code /api/plugin/<id>/…}) need the admin token.
 */
public final class Routes {

    /** What the handlers need. */
    public record Context(Database database, DatabaseInitializer initializer, GlobalSettings settings,
                          AdminToken adminToken, SetupToken setupToken, Plugins plugins, long bodyLimit,
                          List<HealthCheck> healthChecks) {
    }

    /** A management route: method, path (with {@code {parameters}}) and its handler. */
    public record Endpoint(Method method, String path, Handler handler) {
    }

    /** Where the observe feature serves health (GET); HEAD is answered here, by {@link HealthHead}. */
    public static final String HEALTH = "/observe/health";
    private static final JsonObject OK = Json.createObjectBuilder().add("status", "ok").build();

    private Routes() {
    }

    public static void register(HttpRouting.Builder routing, Context context) {
        DatabaseHandlers db = new DatabaseHandlers(context.database(), context.initializer(), context.bodyLimit(),
                                                   context.setupToken(), context.plugins());
        SetupPage setupPage = new SetupPage();
        List<Endpoint> open = List.of(
                new Endpoint(Method.GET, "/api/db/status", db::status),
                new Endpoint(Method.POST, "/api/db/setup", db::setup),
                new Endpoint(Method.GET, "/setup", setupPage::show),
                new Endpoint(Method.HEAD, "/setup", setupPage::head),
                new Endpoint(Method.GET, "/api/health", (request, response) -> JsonResponse.send(response, OK)));
        List<Endpoint> management = management(context.database(), context.settings(), context.bodyLimit());
        routing.addFeature(new ResponseHeaders());
        routing.addFeature(new ReadYourWrites(context.database()));
        open.forEach(endpoint -> routing.route(endpoint.method(), endpoint.path(), endpoint.handler()));
        for (Endpoint endpoint : management) {
            routing.route(endpoint.method(), endpoint.path(), context.adminToken().protect(endpoint.handler()));
        }
        new HealthHead(context.healthChecks()).register(routing, HEALTH);
        context.plugins().routing(routing, context.adminToken().protect((request, response) -> response.next()));
        List<Endpoint> all = new ArrayList<>(open);
        all.addAll(management);
        AllowedMethods allowed = new AllowedMethods(all, HealthHead.paths(HEALTH));
        routing.options("/*", (request, response) -> ErrorHandlers.options(request, response, allowed));
        routing.error(ApiException.class, ErrorHandlers::api)
                .error(SetupException.class, ErrorHandlers::setup)
                .error(DatabaseNotAvailableException.class, ErrorHandlers::databaseNotAvailable)
                .error(DbClientException.class, ErrorHandlers::database)
                .error(PluginsDisabledException.class, ErrorHandlers::pluginsDisabled)
                .error(HttpException.class, (request, response, e) -> ErrorHandlers.http(request, response, e, allowed))
                .error(Exception.class, ErrorHandlers::unexpected);
    }

    /** The management routes, each registered behind the admin token. */
    public static List<Endpoint> management(Database database, GlobalSettings settings, long bodyLimit) {
        ProjectHandlers projects = new ProjectHandlers(database, bodyLimit);
        SettingsHandlers settingsHandlers = new SettingsHandlers(settings, bodyLimit);
        TeamHandlers teams = new TeamHandlers(database, bodyLimit);
        InstallationHandlers installations = new InstallationHandlers(database, bodyLimit);
        TokenHandlers tokens = new TokenHandlers(database);
        McpServerHandlers servers = new McpServerHandlers(database, bodyLimit);
        JobHandlers jobs = new JobHandlers(database);
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
                new Endpoint(Method.GET, "/api/mcp/servers", servers::search),
                new Endpoint(Method.POST, "/api/mcp/servers", servers::create),
                new Endpoint(Method.POST, "/api/admin/tokens/revoke-expired", tokens::revokeExpired),
                new Endpoint(Method.GET, "/api/admin/jobs", jobs::list),
                new Endpoint(Method.GET, "/api/admin/jobs/stats", jobs::stats),
                new Endpoint(Method.GET, "/api/admin/jobs/batches/{id}", jobs::batch),
                new Endpoint(Method.GET, "/api/admin/jobs/{id}", jobs::get),
                new Endpoint(Method.POST, "/api/admin/jobs/{id}/retry", jobs::retry),
                new Endpoint(Method.GET, "/api/settings", settingsHandlers::list),
                new Endpoint(Method.GET, "/api/settings/group/{groupId}", settingsHandlers::group),
                new Endpoint(Method.GET, "/api/settings/{key}", settingsHandlers::get),
                new Endpoint(Method.PUT, "/api/settings/{key}", settingsHandlers::update));
    }
}
