package com.deploystack.backend.plugins.audit;

import java.io.StringReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

import com.deploystack.backend.plugins.ColumnType;
import com.deploystack.backend.plugins.Plugin;
import com.deploystack.backend.plugins.PluginColumn;
import com.deploystack.backend.plugins.PluginContext;
import com.deploystack.backend.plugins.PluginMigration;
import com.deploystack.backend.plugins.PluginTable;
import com.deploystack.backend.plugins.ServiceEvent;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonReader;

/**
 * The example plugin: an audit log of what happens to the installation (database setup, setting
 * changes), kept in its own table {@code audit_events} and readable at {@code GET /api/plugin/audit/events}.
 */
public final class AuditLogPlugin implements Plugin {

    static final String ID = "audit";
    private static final int MAX_EVENTS = 500;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public List<PluginTable> tables() {
        return List.of(new PluginTable("events", List.of(
                PluginColumn.primaryKey("id", ColumnType.UUID, "gen_random_uuid()"),
                PluginColumn.required("event", ColumnType.TEXT),
                PluginColumn.required("detail", ColumnType.JSONB).withDefault("'{}'::jsonb"),
                PluginColumn.required("created_at", ColumnType.TIMESTAMPTZ).withDefault("now()"))));
    }

    @Override
    public List<PluginMigration> migrations() {
        return List.of(new PluginMigration(1, "index events by time",
                                           "CREATE INDEX audit_events_created_at_idx ON audit_events (created_at)"));
    }

    @Override
    public void initialize(PluginContext context) {
        context.subscribe(event -> record(context, event));
    }

    @Override
    public void routing(HttpRules rules, PluginContext context) {
        rules.get("/events", (request, response) -> list(context, request, response));
    }

    private static void record(PluginContext context, ServiceEvent event) {
        context.inTransaction(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + context.table("events") + " (event, detail) VALUES (?, ?::jsonb)")) {
                insert.setString(1, event.name());
                insert.setString(2, event.detail().toString());
                return insert.executeUpdate();
            }
        });
    }

    private static void list(PluginContext context, ServerRequest request, ServerResponse response) {
        JsonArrayBuilder events = Json.createArrayBuilder();
        context.inTransaction(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT id::text, event, detail::text, created_at FROM " + context.table("events")
                    + " ORDER BY created_at DESC, id LIMIT " + MAX_EVENTS);
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    try (JsonReader detail = Json.createReader(new StringReader(rows.getString(3)))) {
                        events.add(Json.createObjectBuilder()
                                           .add("id", rows.getString(1))
                                           .add("event", rows.getString(2))
                                           .add("detail", detail.readObject())
                                           .add("created_at", rows.getTimestamp(4).toInstant().toString()));
                    }
                }
                return null;
            }
        });
        response.send(Json.createObjectBuilder().add("success", true).add("data", events).build());
    }
}
