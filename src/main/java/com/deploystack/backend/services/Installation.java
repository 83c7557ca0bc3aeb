package com.deploystack.backend.services;

import java.io.StringReader;
import java.time.Instant;

import com.deploystack.backend.db.Rows;
import com.deploystack.backend.json.JsonFactory;
import io.helidon.dbclient.DbRow;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

/** An MCP server installed in a team, with its jsonb configuration. */
public record Installation(String id, String teamId, String serverId, String installationName, String installationType,
                           String configuration, Instant createdAt) {

    static final String COLUMNS = "id, team_id, server_id, installation_name, installation_type,"
                                  + " configuration::text AS configuration, created_at";

    static Installation from(DbRow row) {
        return new Installation(Rows.text(row, "id"), Rows.text(row, "team_id"), Rows.text(row, "server_id"),
                                Rows.text(row, "installation_name"), Rows.text(row, "installation_type"),
                                Rows.text(row, "configuration"), Rows.instant(row, "created_at"));
    }

    public JsonObject toJson() {
        try (JsonReader reader = JsonFactory.reader(new StringReader(configuration))) {
            return JsonFactory.object()
                    .add("id", id)
                    .add("team_id", teamId)
                    .add("server_id", serverId)
                    .add("installation_name", installationName)
                    .add("installation_type", installationType)
                    .add("configuration", reader.readObject())
                    .add("created_at", createdAt.toString())
                    .build();
        }
    }
}
