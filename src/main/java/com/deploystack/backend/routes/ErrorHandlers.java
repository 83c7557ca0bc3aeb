package com.deploystack.backend.routes;

import java.lang.System.Logger.Level;

import com.deploystack.backend.db.DatabaseNotAvailableException;
import com.deploystack.backend.db.SetupException;
import com.deploystack.backend.plugins.PluginsDisabledException;
import com.deploystack.backend.services.JsonFactory;
import io.helidon.dbclient.DbClientException;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObjectBuilder;

/** Turns exceptions into JSON error bodies; no stack trace, SQL or secret ever reaches a response. */
final class ErrorHandlers {

    private static final System.Logger LOG = System.getLogger(ErrorHandlers.class.getName());

    private ErrorHandlers() {
    }

    /**
     * The database routes ({@code /api/db/…}) answer the spec's {@code {"error":…}}; the management routes
     * DeployStack's envelope {@code {"success":false,"error":…}}.
     */
    static void api(ServerRequest request, ServerResponse response, ApiException e) {
        if (request.path().path().startsWith("/api/db/")) {
            send(response, e.status(), JsonFactory.object().add("error", e.getMessage()));
        } else {
            JsonResponse.send(response.status(e.status()), Envelope.error(e.getMessage()));
        }
    }

    static void databaseNotAvailable(ServerRequest request, ServerResponse response, DatabaseNotAvailableException e) {
        JsonResponse.send(response.status(Status.SERVICE_UNAVAILABLE_503), Envelope.error(e.getMessage()));
    }

    static void pluginsDisabled(ServerRequest request, ServerResponse response, PluginsDisabledException e) {
        response.status(Status.SERVICE_UNAVAILABLE_503).send(Envelope.error(e.getMessage()));
    }

    static void database(ServerRequest request, ServerResponse response, DbClientException e) {
        ApiException answer = DatabaseErrors.describe(e);
        if (answer.status().code() >= 500) {
            LOG.log(Level.WARNING, request.prologue().method().text() + " " + request.path().path() + " failed: "
                                   + answer.getMessage());
        }
        api(request, response, answer);
    }

    /**
     * Helidon's own exceptions (a header it cannot parse, an unknown health check): their status, in this
     * service's JSON shapes, with the reason phrase rather than Helidon's text, which may echo the request.
     */
    static void http(ServerRequest request, ServerResponse response, HttpException e) {
        if (e.status().code() >= 500) {
            LOG.log(Level.WARNING, request.prologue().method().text() + " " + request.path().path() + " failed: "
                                   + e.getClass().getName());
        }
        api(request, response, new ApiException(e.status(), e.status().reasonPhrase() + "."));
    }

    static void setup(ServerRequest request, ServerResponse response, SetupException e) {
        Status status = switch (e.kind()) {
            case NOT_CONFIGURED -> Status.BAD_REQUEST_400;
            case UNREACHABLE -> Status.SERVICE_UNAVAILABLE_503;
            case FAILED -> Status.INTERNAL_SERVER_ERROR_500;
        };
        JsonObjectBuilder body = JsonFactory.object().add("error", e.getMessage());
        if (!e.missing().isEmpty() || !e.invalid().isEmpty()) {
            body.add("details", JsonFactory.object()
                    .add("missing", JsonFactory.array(e.missing()))
                    .add("invalid", JsonFactory.array(e.invalid())));
        }
        send(response, status, body);
    }

    static void unexpected(ServerRequest request, ServerResponse response, Exception e) {
        LOG.log(Level.ERROR, "Unexpected error on " + request.prologue().method().text() + " "
                             + request.path().path() + ": " + e.getClass().getName());
        send(response, Status.INTERNAL_SERVER_ERROR_500,
             JsonFactory.object().add("error", "Internal server error."));
    }

    private static void send(ServerResponse response, Status status, JsonObjectBuilder body) {
        JsonResponse.send(response.status(status), body.build());
    }
}
