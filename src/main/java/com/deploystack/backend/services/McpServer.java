package com.deploystack.backend.services;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.deploystack.backend.db.Rows;
import com.deploystack.backend.json.JsonFactory;
import io.helidon.dbclient.DbRow;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;

/** An MCP server of the catalog ({@code mcp_servers}). */
public record McpServer(String id, String name, String slug, Optional<String> description, List<String> tags,
                        String transportType, Instant createdAt) {

    /** The columns {@link #from} reads; {@code tags} as a JSON array. */
    static final String COLUMNS = "id, name, slug, description, to_json(tags)::text AS tags, transport_type, created_at";

    static McpServer from(DbRow row) {
        List<String> tags;
        try (JsonReader reader = Json.createReader(new StringReader(Rows.text(row, "tags")))) {
            tags = reader.readArray().getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
        }
        return new McpServer(Rows.text(row, "id"), Rows.text(row, "name"), Rows.text(row, "slug"),
                             Rows.optionalText(row, "description"), tags, Rows.text(row, "transport_type"),
                             Rows.instant(row, "created_at"));
    }

    public JsonObjectBuilder toJsonBuilder() {
        JsonArrayBuilder tagArray = JsonFactory.array();
        tags.forEach(tagArray::add);
        JsonObjectBuilder json = JsonFactory.object().add("id", id).add("name", name).add("slug", slug);
        description.ifPresentOrElse(text -> json.add("description", text), () -> json.addNull("description"));
        return json.add("tags", tagArray).add("transport_type", transportType).add("created_at", createdAt.toString());
    }

    public JsonObject toJson() {
        return toJsonBuilder().build();
    }
}
