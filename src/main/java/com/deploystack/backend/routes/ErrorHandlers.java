package com.deploystack.backend.routes;

import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.Set;

import com.deploystack.backend.db.DatabaseNotAvailableException;
import com.deploystack.backend.db.SetupException;
import com.deploystack.backend.plugins.PluginsDisabledException;
import com.deploystack.backend.json.JsonFactory;
import io.helidon.dbclient.DbClientException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.http.NotFoundException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObjectBuilder;

/** Turns exceptions into JSON error bodies; no stack trace, SQL or secret ever reaches a response. */
final class ErrorHandlers {

    private static final System.Logger LOG = System.getLogger(ErrorHandlers.class.getName());
    /** A starting replica is usually ready within a few seconds. */
    private static final String RETRY_AFTER_SECONDS = "2";

    private ErrorHandlers() {
    }

    /**
     * The database routes ({@code /api/db/…}) answer the spec's {@code {"error":…}}; the management routes
     * DeployStack's envelope {@code {"success":false,"error":…}}.
     */
    static void api(ServerRequest request, ServerResponse response, ApiException e) {
        if (e.status() == Status.REQUEST_ENTITY_TOO_LARGE_413) {
            // the rest of the body is not worth reading: the connection closes after the answer
            response.header(HeaderValues.CONNECTION_CLOSE);
        }
        if (request.path().path().startsWith("/api/db/")) {
            send(response, e.status(), JsonFactory.object().add("error", e.getMessage()));
        } else {
            JsonResponse.send(response.status(e.status()), Envelope.error(e.getMessage()));
        }
    }

    static void databaseNotAvailable(ServerRequest request, ServerResponse response, DatabaseNotAvailableException e) {
        if (e.reason() == DatabaseNotAvailableException.Reason.STARTING) {
            response.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        JsonResponse.send(response.status(Status.SERVICE_UNAVAILABLE_503), Envelope.error(e.getMessage()));
    }

    static void pluginsDisabled(ServerRequest request, ServerResponse response, PluginsDisabledException e) {
        JsonResponse.send(response.status(Status.SERVICE_UNAVAILABLE_503), Envelope.error(e.getMessage()));
    }

    static void database(ServerRequest request, ServerResponse response, DbClientException e) {
        ApiException answer = DatabaseErrors.describe(e);
        if (answer.status().code() >= 500) {
            LOG.log(Level.WARNING, request.prologue().method().text() + " " + request.path().path() + " failed: "
                                   + answer.getMessage(), e);
        }
        api(request, response, answer);
    }

    /**
     * Helidon's own exceptions (a header it cannot parse, an unknown health check): their status, in this
     * service's JSON shapes, with the reason phrase rather than Helidon's text, which may echo the request.
     */
    static void http(ServerRequest request, ServerResponse response, HttpException e, AllowedMethods allowed) {
        if (e.status().code() >= 500) {
            LOG.log(Level.WARNING, request.prologue().method().text() + " " + request.path().path() + " failed", e);
        }
        if (e instanceof NotFoundException) {
            Set<Method> methods = allowed.of(request);
            if (!methods.isEmpty()) {
                response.header(HeaderNames.ALLOW, AllowedMethods.header(methods));
                api(request, response, new ApiException(Status.METHOD_NOT_ALLOWED_405, "Method "
                        + request.prologue().method().text() + " is not allowed here; use "
                        + AllowedMethods.header(methods) + "."));
                return;
            }
        }
        api(request, response, new ApiException(e.status(), e.status().reasonPhrase() + "."));
    }

    /**
     * {@code OPTIONS}: 204 with {@code Allow}, on the routes' paths and on {@code /}. A CORS preflight has passed
     * the CORS filter when it gets here (which added the {@code Access-Control-*} headers); it answers 204 on any
     * path, plugin routes included.
     */
    static void options(ServerRequest request, ServerResponse response, AllowedMethods allowed) {
        Set<Method> methods = new LinkedHashSet<>(allowed.of(request));
        boolean preflight = request.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        // "OPTIONS / HTTP/1.0" is what HAProxy's bare "option httpchk" sends: the server answers for itself
        boolean server = request.path().path().equals("/");
        if (methods.isEmpty() && !preflight && !server) {
            throw new NotFoundException("no route");
        }
        if (!methods.isEmpty()) {
            methods.add(Method.OPTIONS);
            response.header(HeaderNames.ALLOW, AllowedMethods.header(methods));
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    static void setup(ServerRequest request, ServerResponse response, SetupException e) {
        Status status = switch (e.kind()) {
            case NOT_CONFIGURED -> Status.BAD_REQUEST_400;
            case UNREACHABLE -> Status.SERVICE_UNAVAILABLE_503;
            case FAILED -> Status.INTERNAL_SERVER_ERROR_500;
            case CONFLICT -> Status.CONFLICT_409;
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
                             + request.path().path(), e);
        send(response, Status.INTERNAL_SERVER_ERROR_500,
             JsonFactory.object().add("error", "Internal server error."));
    }

    private static void send(ServerResponse response, Status status, JsonObjectBuilder body) {
        JsonResponse.send(response.status(status), body.build());
    }
}
