package com.deploystack.backend.routes;

import java.nio.charset.StandardCharsets;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Answers for requests that fail before any route runs (a request line or header Helidon cannot parse, a body
 * larger than {@code server.max-payload-size}): JSON {@code {"error":…}} like every other answer, never an echo of
 * the request. Helidon 4.5 answers 500 to a request line whose method holds a control or non-ASCII character:
 * {@code Method.create} throws an IllegalArgumentException while the request line is read, and the connection
 * reports it as an internal error of a request it has not parsed yet. Those are the client's bytes, so such an
 * error answers 400. (Helidon still logs the cause; an error of a parsed request, or of a route, keeps its 500.)
 */
public final class ProtocolErrors {

    private ProtocolErrors() {
    }

    public static DirectHandlers directHandlers() {
        DirectHandler json = (request, eventType, status, headers, message) -> {
            Status answered = eventType == DirectHandler.EventType.INTERNAL_ERROR && request.method().isEmpty()
                    ? Status.BAD_REQUEST_400 : status;
            return DirectHandler.TransportResponse.builder()
                    .status(answered)
                    .headers(headers)
                    .header(HeaderValues.CONTENT_TYPE_JSON)
                    .header(HeaderValues.X_CONTENT_TYPE_OPTIONS_NOSNIFF)
                    .entity(("{\"error\":\"" + sentence(answered) + "\"}").getBytes(StandardCharsets.UTF_8))
                    .build();
        };
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            handlers.addHandler(type, json);
        }
        return handlers.build();
    }

    private static String sentence(Status status) {
        return switch (status.code()) {
            case 400 -> "Bad request: the request is not valid HTTP.";
            case 413 -> "Request body is too large.";
            case 414 -> "Request line is too long.";
            case 431 -> "Request headers are too large.";
            case 505 -> "HTTP version not supported: send HTTP/1.1 or HTTP/1.0.";
            default -> status.reasonPhrase() + ".";
        };
    }
}
