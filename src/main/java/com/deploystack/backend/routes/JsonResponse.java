package com.deploystack.backend.routes;

import java.nio.charset.StandardCharsets;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonStructure;

/**
 * Sends a JSON body as bytes with {@code Content-Type: application/json}, whatever the request's
 * {@code Accept} says. Through the media writers, {@code Accept: application/xml} found no writer for a
 * JSON object and turned every answer, error answers included, into a 500.
 */
final class JsonResponse {

    private JsonResponse() {
    }

    static void send(ServerResponse response, JsonStructure body) {
        send(response, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A body serialized earlier (the status endpoint keeps its body between phase changes). */
    static void send(ServerResponse response, byte[] json) {
        response.header(HeaderValues.CONTENT_TYPE_JSON).send(json);
    }
}
