package com.deploystack.backend.routes;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseInitializer;
import com.deploystack.backend.db.DatabaseNotAvailableException;
import com.deploystack.backend.db.SetupException;
import io.helidon.webserver.http.HttpRouting;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * The routing table: every path of the service is here. Health endpoints ({@code /observe/health},
 * {@code /live}, {@code /ready}, {@code /started}) are added by the observe feature in {@code Application}.
 */
public final class Routes {

    private static final JsonObject OK = Json.createObjectBuilder().add("status", "ok").build();

    private Routes() {
    }

    public static void register(HttpRouting.Builder routing, Database database, DatabaseInitializer initializer,
                                long setupBodyLimit, SetupToken setupToken) {
        DatabaseHandlers db = new DatabaseHandlers(database, initializer, setupBodyLimit, setupToken);
        SetupPage setupPage = new SetupPage();
        routing.get("/api/db/status", db::status)
                .post("/api/db/setup", db::setup)
                .get("/setup", setupPage::show)
                .get("/api/health", (request, response) -> response.send(OK))
                .error(ApiException.class, ErrorHandlers::api)
                .error(SetupException.class, ErrorHandlers::setup)
                .error(DatabaseNotAvailableException.class, ErrorHandlers::databaseNotAvailable)
                .error(Exception.class, ErrorHandlers::unexpected);
    }
}
