package com.deploystack.backend.support;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.Application;
import com.deploystack.backend.ServiceConfig;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

/** The real service (same routing table as users get) on a free port, with a small HTTP client. */
public final class TestService implements AutoCloseable {

    /** An HTTP answer. */
    public record Response(int status, String body, String contentType) {
        public JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static {
        LogCapture.install();
    }

    private final Application application;
    private final String base;

    private TestService(Application application) {
        this.application = application;
        this.base = "http://127.0.0.1:" + application.port();
    }

    public static TestService start(Map<String, String> env, Path dataDirectory) {
        return start(env, dataDirectory, Path.of("migrations"), Map.of());
    }

    public static TestService start(Map<String, String> env, Path dataDirectory, Path migrations,
                                    Map<String, String> extraConfig) {
        Map<String, String> values = new HashMap<>(Map.of(
                "server.port", "0",
                "server.host", "127.0.0.1",
                "server.shutdown-hook", "false",
                "server.connection-options.tcp-no-delay", "true",
                "server.max-payload-size", "1048576",
                "paths.data", dataDirectory.toString(),
                "paths.migrations", migrations.toString()));
        values.putAll(extraConfig);
        return new TestService(Application.start(ServiceConfig.of(values), env));
    }

    public Application application() {
        return application;
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Response post(String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    /** Any method, with an optional JSON body and extra headers given as name, value, name, value… */
    public Response request(String method, String path, String jsonBody, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    public Response setup() {
        return post("/api/db/setup", "application/json", "{\"type\":\"postgresql\"}");
    }

    public JsonObject status() {
        return get("/api/db/status").json();
    }

    /** Waits until the status reports {@code phase} (or fails after {@code timeout}). */
    public JsonObject awaitPhase(String phase, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject status = status();
        while (!phase.equals(status.getString("phase")) && System.nanoTime() < deadline) {
            sleep(50);
            status = status();
        }
        if (!phase.equals(status.getString("phase"))) {
            throw new AssertionError("expected phase " + phase + " within " + timeout + ", status is " + status);
        }
        return status;
    }

    /** Waits until the status says whether setup was performed ({@code setup_performed}), as {@code performed}. */
    public JsonObject awaitSetupPerformed(boolean performed, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject status = status();
        while (!status.getOrDefault("setup_performed", JsonValue.NULL).equals(performed ? JsonValue.TRUE
                                                                                       : JsonValue.FALSE)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected setup_performed " + performed + " within " + timeout + ", status is "
                                         + status);
            }
            sleep(20);
            status = status();
        }
        return status;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(60)).build(),
                                                      HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(),
                                response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every line logged so far, to check that no secret was ever written. */
    public static List<String> logs() {
        return LogCapture.install().lines();
    }

    @Override
    public void close() {
        application.close();
    }
}
