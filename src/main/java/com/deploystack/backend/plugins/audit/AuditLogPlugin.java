package com.deploystack.backend.plugins.audit;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import com.deploystack.backend.plugins.ColumnType;
import com.deploystack.backend.plugins.Plugin;
import com.deploystack.backend.plugins.PluginColumn;
import com.deploystack.backend.plugins.PluginContext;
import com.deploystack.backend.plugins.PluginMigration;
import com.deploystack.backend.plugins.PluginTable;
import com.deploystack.backend.plugins.ServiceEvent;
import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.settings.SettingDefinition;
import com.deploystack.backend.settings.SettingGroup;
import com.deploystack.backend.settings.SettingType;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonReader;

/**
 * The example plugin: an audit log of what happens to the installation (database setup, setting
 * changes), kept in its own table {@code audit_events} and readable at {@code GET /api/plugin/audit/events}.
 * When its encrypted setting {@code audit.signing_key} is set, every event is signed (HMAC-SHA256), and the
 * listing says whether each stored event still matches its signature.
 */
public final class AuditLogPlugin implements Plugin {

    static final String ID = "audit";
    static final String SIGNING_KEY_SETTING = "audit.signing_key";
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
                PluginColumn.required("created_at", ColumnType.TIMESTAMPTZ).withDefault("now()"),
                PluginColumn.optional("signature", ColumnType.TEXT))));
    }

    @Override
    public Optional<SettingGroup> settings() {
        return Optional.of(new SettingGroup(ID, "Audit log", "The audit log of setup and settings changes", "shield",
                                            100, List.of(new SettingDefinition(
                SIGNING_KEY_SETTING, "Signing key", SettingType.STRING, null,
                "HMAC key that signs each audit event; events stay unsigned while it is empty", true, false, ID))));
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

    /** Stores the event; its signature covers the detail as PostgreSQL keeps it (jsonb's own text). */
    private static void record(PluginContext context, ServiceEvent event) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String key = context.setting("signing_key");
        context.inTransaction(connection -> {
            String id;
            String storedDetail;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + context.table("events") + " (event, detail, created_at) VALUES (?, ?::jsonb, ?)"
                    + " RETURNING id, detail::text")) {
                insert.setString(1, event.name());
                insert.setString(2, event.detail().toString());
                insert.setTimestamp(3, Timestamp.from(at));
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    id = row.getString(1);
                    storedDetail = row.getString(2);
                }
            }
            String signature = EventSignature.sign(key, event.name(), storedDetail, at);
            if (signature == null) {
                return 0;
            }
            try (PreparedStatement sign = connection.prepareStatement(
                    "UPDATE " + context.table("events") + " SET signature = ? WHERE id = ?::uuid")) {
                sign.setString(1, signature);
                sign.setString(2, id);
                return sign.executeUpdate();
            }
        });
    }

    private static void list(PluginContext context, ServerRequest request, ServerResponse response) {
        JsonArrayBuilder events = JsonFactory.array();
        String key = context.setting("signing_key");
        context.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT id::text, event, detail::text, created_at, signature FROM " + context.table("events")
                    + " ORDER BY created_at DESC, id LIMIT " + MAX_EVENTS);
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Instant at = rows.getTimestamp(4).toInstant();
                    String signature = rows.getString(5);
                    boolean verified = signature != null
                            && signature.equals(EventSignature.sign(key, rows.getString(2), rows.getString(3), at));
                    try (JsonReader detail = JsonFactory.reader(new StringReader(rows.getString(3)))) {
                        events.add(JsonFactory.object()
                                           .add("id", rows.getString(1))
                                           .add("event", rows.getString(2))
                                           .add("detail", detail.readObject())
                                           .add("created_at", at.toString())
                                           .add("signed", signature != null)
                                           .add("verified", verified));
                    }
                }
                return null;
            }
        });
        // Sent as bytes with its media type, so that an Accept header asking for something else cannot turn it into an error.
        response.header(HeaderValues.CONTENT_TYPE_JSON)
                .send(JsonFactory.object().add("success", true).add("data", events).build().toString()
                              .getBytes(StandardCharsets.UTF_8));
    }
}
