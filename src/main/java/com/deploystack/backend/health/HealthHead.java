package com.deploystack.backend.health;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.http.media.EntityWriter;
import io.helidon.http.media.json.JsonSupport;
import io.helidon.json.JsonArray;
import io.helidon.json.JsonObject;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code HEAD} on the health endpoints answers as {@code GET} does, status and headers, without the body.
 * Helidon 4.5's health feature answers every HEAD with 204 (its "no details" form), so a load balancer that
 * checks with HEAD and expects 200 never saw the service ready. The checks run as for GET and their JSON is
 * written with Helidon's own writer, so that {@code Content-Length} is the length of the GET body
 * (RFC 9110 §8.6).
 */
public final class HealthHead {

    private static final EntityWriter<JsonObject> WRITER = JsonSupport.serverResponseWriter();

    private final List<HealthCheck> checks;

    public HealthHead(List<HealthCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** {@code root} (every check) and its {@code /live}, {@code /ready}, {@code /started}. */
    public static List<String> paths(String root) {
        List<String> paths = new ArrayList<>(List.of(root));
        for (HealthCheckType type : HealthCheckType.values()) {
            paths.add(root + "/" + type.defaultEndpoint());
        }
        return paths;
    }

    /** Registers HEAD on each of the {@link #paths(String) paths} below {@code root}. */
    public void register(HttpRouting.Builder routing, String root) {
        routing.head(root, handler(Optional.empty()));
        for (HealthCheckType type : HealthCheckType.values()) {
            routing.head(root + "/" + type.defaultEndpoint(), handler(Optional.of(type)));
        }
    }

    private Handler handler(Optional<HealthCheckType> type) {
        List<HealthCheck> selected = checks.stream().filter(check -> type.map(check.type()::equals).orElse(true))
                .toList();
        return (request, response) -> answer(selected, request, response);
    }

    private static void answer(List<HealthCheck> checks, ServerRequest request, ServerResponse response) {
        HealthCheckResponse.Status overall = HealthCheckResponse.Status.UP;
        List<JsonObject> results = new ArrayList<>();
        for (HealthCheck check : checks) {
            HealthCheckResponse result = check.call();
            results.add(json(check.name(), result));
            if (result.status() == HealthCheckResponse.Status.ERROR) {
                overall = HealthCheckResponse.Status.ERROR;
            } else if (result.status() == HealthCheckResponse.Status.DOWN && overall == HealthCheckResponse.Status.UP) {
                overall = HealthCheckResponse.Status.DOWN;
            }
        }
        JsonObject body = JsonObject.builder().set("status", overall.toString()).set("checks", JsonArray.create(results)).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WRITER.write(JsonSupport.JSON_OBJECT_TYPE, body, bytes, request.headers(), response.headers());
        response.status(switch (overall) {
                    case UP -> Status.OK_200;
                    case DOWN -> Status.SERVICE_UNAVAILABLE_503;
                    case ERROR -> Status.INTERNAL_SERVER_ERROR_500;
                })
                .header(HeaderValues.CACHE_NO_CACHE)
                .header(HeaderValues.X_CONTENT_TYPE_OPTIONS_NOSNIFF)
                .contentLength(bytes.size());
        response.send();
    }

    /** One check as Helidon's health feature writes it: name, status, and its details as {@code data}. */
    private static JsonObject json(String name, HealthCheckResponse result) {
        JsonObject.Builder check = JsonObject.builder().set("name", name).set("status", result.status().toString());
        Map<String, Object> details = result.details();
        if (!details.isEmpty()) {
            JsonObject.Builder data = JsonObject.builder();
            details.forEach((key, value) -> data.set(key, String.valueOf(value)));
            check.set("data", data.build());
        }
        return check.build();
    }
}
