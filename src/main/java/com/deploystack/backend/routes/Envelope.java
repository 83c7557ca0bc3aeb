package com.deploystack.backend.routes;

import com.deploystack.backend.json.JsonFactory;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/** DeployStack's response envelope for the management routes: {@code {"success":…,"data"|"error":…}}. */
final class Envelope {

    private Envelope() {
    }

    static void ok(ServerResponse response, JsonValue data) {
        send(response, Status.OK_200, data);
    }

    static void created(ServerResponse response, JsonValue data) {
        send(response, Status.CREATED_201, data);
    }

    static JsonObject error(String message) {
        return JsonFactory.object().add("success", false).add("error", message).build();
    }

    private static void send(ServerResponse response, Status status, JsonValue data) {
        JsonResponse.send(response.status(status), JsonFactory.object().add("success", true).add("data", data).build());
    }
}
