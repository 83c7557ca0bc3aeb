package com.deploystack.backend.services;

import java.time.Instant;

import com.deploystack.backend.db.Rows;
import com.deploystack.backend.json.JsonFactory;
import io.helidon.dbclient.DbRow;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/** A team as stored in {@code teams}. */
public record Team(String id, String name, String slug, String description, Instant createdAt, Instant updatedAt) {

    static final String COLUMNS = "id, name, slug, description, created_at, updated_at";

    static Team from(DbRow row) {
        return new Team(Rows.text(row, "id"), Rows.text(row, "name"), Rows.text(row, "slug"),
                        Rows.text(row, "description"), Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }

    public JsonObject toJson() {
        JsonObjectBuilder json = JsonFactory.object()
                .add("id", id)
                .add("name", name)
                .add("slug", slug);
        if (description == null) {
            json.addNull("description");
        } else {
            json.add("description", description);
        }
        return json.add("created_at", createdAt.toString()).add("updated_at", updatedAt.toString()).build();
    }
}
