package com.deploystack.backend.routes;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseConfiguration;
import com.deploystack.backend.db.DatabaseInitializer;
import com.deploystack.backend.db.Phase;
import com.deploystack.backend.db.PhaseMachine;
import com.deploystack.backend.db.PublicReason;
import com.deploystack.backend.db.SelectionFile;
import com.deploystack.backend.plugins.Plugins;
import com.deploystack.backend.json.JsonFactory;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** {@code GET /api/db/status} and {@code POST /api/db/setup}, answering exactly as the spec shows. */
final class DatabaseHandlers {

    static final String SETUP_SUCCESSFUL =
            "Database setup successful. All services have been initialized and are ready to use.";
    static final String SETUP_NEEDS_RESTART =
            "Database setup successful, but some services may require a server restart to function properly.";
    static final String ALREADY_PERFORMED = "Database setup has already been performed.";
    private static final Set<String> SETUP_FIELDS = Set.of("type");

    private final Database database;
    private final DatabaseInitializer initializer;
    private final long bodyLimit;
    private final SetupToken setupToken;
    private final Plugins plugins;
    private volatile StatusBody lastStatus;

    /** A serialized status body and what it was built from (compared by identity). */
    private record StatusBody(PhaseMachine.State state, SelectionFile.Content selection,
                              Optional<DatabaseInitializer.SchemaAhead> schemaAhead, String waitingFor,
                              Optional<JsonObject> plugins, byte[] json) {
    }

    DatabaseHandlers(Database database, DatabaseInitializer initializer, long bodyLimit, SetupToken setupToken,
                     Plugins plugins) {
        this.plugins = plugins;
        this.database = database;
        this.initializer = initializer;
        this.bodyLimit = bodyLimit;
        this.setupToken = setupToken;
    }

    /**
     * The status body depends only on the phase state and the selection file (the rest is fixed at start),
     * so it is built and serialized once per change of either: load balancers may poll it thousands of
     * times a second.
     */
    void status(ServerRequest request, ServerResponse response) {
        PhaseMachine.State state = database.phases().current();
        SelectionFile.Content selection = initializer.selection();
        Optional<DatabaseInitializer.SchemaAhead> schemaAhead = initializer.schemaAhead();
        String waitingFor = initializer.waitingFor();
        Optional<JsonObject> pluginStatus = plugins.status();
        StatusBody body = lastStatus;
        // replica states change by the second: with replicas the body is built every time
        if (body == null || !database.readReplicas().replicas().isEmpty() || body.state() != state || body.selection() != selection
            || body.schemaAhead() != schemaAhead || !body.waitingFor().equals(waitingFor)
            || !body.plugins().equals(pluginStatus)) {
            byte[] json = statusJson(state, selection, schemaAhead, waitingFor, pluginStatus).toString()
                    .getBytes(StandardCharsets.UTF_8);
            body = new StatusBody(state, selection, schemaAhead, waitingFor, pluginStatus, json);
            lastStatus = body;
        }
        JsonResponse.send(response, body.json());
    }

    private JsonObject statusJson(PhaseMachine.State state, SelectionFile.Content selection,
                                  Optional<DatabaseInitializer.SchemaAhead> schemaAhead, String waitingFor,
                                  Optional<JsonObject> pluginStatus) {
        DatabaseConfiguration configuration = database.configuration();
        boolean configured = state.phase() != Phase.UNCONFIGURED;
        JsonObjectBuilder json = JsonFactory.object()
                .add("configured", configured)
                .add("initialized", state.phase() == Phase.INITIALIZED);
        if (configured) {
            json.add("dialect", SelectionFile.TYPE);
        } else {
            json.addNull("dialect");
        }
        json.add("phase", state.phase().name())
                .add("mode", configuration.mode().name().toLowerCase(Locale.ROOT))
                .add("setup_token_required", setupToken.required());
        if (configured) {
            switch (state.setup()) {
                case PERFORMED -> json.add("setup_performed", true);
                case NOT_PERFORMED -> json.add("setup_performed", false);
                case UNKNOWN -> json.addNull("setup_performed");
            }
        }
        schemaAhead.ifPresent(ahead -> json.add("schema_ahead", JsonFactory.object()
                .add("newest_applied", ahead.newestApplied().toPlainString())
                .add("newest_known", ahead.newestKnown().toPlainString())
                .add("message", "Another replica applied migrations newer than this replica's: deploy the newer"
                                + " release here.")));
        pluginStatus.ifPresent(status -> json.add("plugins", status));
        ReadReplicaStatus.json(database.readReplicas()).ifPresent(replicas -> json.add("read_replicas", replicas));
        if (!state.step().isEmpty()) {
            json.add("step", state.step());
        }
        if (!waitingFor.isEmpty()) {
            json.add("waiting_for", waitingFor);
        }
        if (!configuration.missing().isEmpty()) {
            json.add("missing", JsonFactory.array(configuration.missing()));
        }
        String error = !state.reason().isEmpty() ? state.reason()
                : !configured ? "Database is not configured: " + PublicReason.withoutPaths(configuration.problems()) + "."
                : selection instanceof SelectionFile.Corrupt corrupt ? PublicReason.withoutPaths(corrupt.problem())
                : "";
        if (!error.isEmpty()) {
            json.add("error", error);
        }
        return json.build();
    }

    void setup(ServerRequest request, ServerResponse response) {
        Optional<SetupToken.Refusal> refusal = setupToken.check(request);
        if (refusal.isPresent()) {
            response.status(Status.UNAUTHORIZED_401).header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
            JsonResponse.send(response, JsonFactory.object().add("error", refusal.get().message()).build());
            return;
        }
        JsonObject body = JsonBodies.readObject(request, bodyLimit);
        Set<String> unknown = new TreeSet<>(body.keySet());
        unknown.removeAll(SETUP_FIELDS);
        if (!unknown.isEmpty()) {
            throw new ApiException(Status.BAD_REQUEST_400, "Unknown field" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + "; the request accepts only \"type\".");
        }
        JsonValue type = body.get("type");
        if (type == null || type == JsonValue.NULL) {
            throw new ApiException(Status.BAD_REQUEST_400, "Field \"type\" is required, e.g. {\"type\":\"postgresql\"}.");
        }
        if (!(type instanceof JsonString typeName)) {
            throw new ApiException(Status.BAD_REQUEST_400, "Field \"type\" must be a string.");
        }
        if (!SelectionFile.TYPE.equals(typeName.getString())) {
            throw new ApiException(Status.BAD_REQUEST_400, "Unsupported database type \"" + printable(typeName.getString())
                    + "\"; the only supported type is \"postgresql\".");
        }
        DatabaseInitializer.SetupResult result = initializer.setup();
        if (result == DatabaseInitializer.SetupResult.ALREADY_PERFORMED) {
            response.status(Status.CONFLICT_409);
            JsonResponse.send(response, JsonFactory.object()
                    .add("message", ALREADY_PERFORMED)
                    .add("database_type", SelectionFile.TYPE)
                    .build());
            return;
        }
        boolean restart = result == DatabaseInitializer.SetupResult.PERFORMED_RESTART_REQUIRED;
        JsonResponse.send(response, JsonFactory.object()
                .add("message", restart ? SETUP_NEEDS_RESTART : SETUP_SUCCESSFUL)
                .add("restart_required", restart)
                .add("database_type", SelectionFile.TYPE)
                .build());
    }

    private static String printable(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return shown.replaceAll("[\\p{Cntrl}\"\\\\]", "?");
    }
}
