package com.deploystack.backend.routes;

import io.helidon.http.DirectHandler;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Answers for requests that fail before any route runs. Helidon 4.5 answers 500 to a request line whose
 * method holds a control or non-ASCII character: {@code Method.create} throws an IllegalArgumentException
 * while the request line is read, and the connection reports it as an internal error of a request it has
 * not parsed yet. Those are the client's bytes, so such an error answers 400. (Helidon still logs the
 * cause; an error of a parsed request, or of a route, keeps its 500.)
 */
public final class ProtocolErrors {

    private ProtocolErrors() {
    }

    public static DirectHandlers directHandlers() {
        DirectHandler defaults = DirectHandler.defaultHandler();
        DirectHandler internalError = (request, eventType, status, headers, message) ->
                request.method().isEmpty()
                        ? defaults.handle(request, DirectHandler.EventType.BAD_REQUEST, Status.BAD_REQUEST_400, headers,
                                          "Bad request: the request line is not valid HTTP.")
                        : defaults.handle(request, eventType, status, headers, message);
        return DirectHandlers.builder().addHandler(DirectHandler.EventType.INTERNAL_ERROR, internalError).build();
    }
}
