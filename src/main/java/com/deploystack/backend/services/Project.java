package com.deploystack.backend.services;

import java.time.Instant;

import com.deploystack.backend.db.Rows;
import com.deploystack.backend.json.JsonFactory;
import io.helidon.dbclient.DbRow;
import jakarta.json.JsonObject;

/** The spec's example table: id, name, created_at. */
public record Project(String id, String name, Instant createdAt) {

    static final String COLUMNS = "id, name, created_at";

    static Project from(DbRow row) {
        return new Project(Rows.text(row, "id"), Rows.text(row, "name"), Rows.instant(row, "created_at"));
    }

    public JsonObject toJson() {
        return JsonFactory.object().add("id", id).add("name", name).add("created_at", createdAt.toString()).build();
    }
}
