package com.deploystack.backend.observe;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.deploystack.backend.json.JsonFactory;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * {@code GET /observe/info}: what is running, for a person or a dashboard. The jar's version, build time and commit,
 * the Java runtime, the schema version (the newest script the changelog records, as last read: it answers while
 * PostgreSQL is down) and the enabled plugins with their versions. Nothing secret and no host name: no configuration
 * value, no address, no path.
 */
final class InfoEndpoint {

    private final BuildInfo build;
    private final Supplier<Optional<BigDecimal>> schemaVersion;
    private final Map<String, String> plugins;

    InfoEndpoint(BuildInfo build, Supplier<Optional<BigDecimal>> schemaVersion, Map<String, String> plugins) {
        this.build = build;
        this.schemaVersion = schemaVersion;
        this.plugins = Map.copyOf(plugins);
    }

    void get(ServerRequest request, ServerResponse response) {
        JsonArrayBuilder pluginList = JsonFactory.array();
        plugins.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(plugin -> pluginList.add(
                JsonFactory.object().add("id", plugin.getKey()).add("version", plugin.getValue())));
        JsonObjectBuilder body = JsonFactory.object()
                .add("name", "deploystack-db")
                .add("version", build.version())
                .add("build_time", build.buildTime())
                .add("commit", build.commit())
                .add("java", JsonFactory.object()
                        .add("version", Runtime.version().toString())
                        .add("vendor", System.getProperty("java.vendor", BuildInfo.UNKNOWN)))
                .add("schema_version", schemaVersion.get()
                        .<JsonValue>map(version -> JsonFactory.value(version.toPlainString()))
                        .orElse(JsonValue.NULL))
                .add("plugins", pluginList);
        response.header(HeaderValues.CONTENT_TYPE_JSON)
                .header(HeaderValues.CACHE_NO_CACHE)
                .send(body.build().toString().getBytes(StandardCharsets.UTF_8));
    }
}
