package com.deploystack.backend.services;

import java.util.Optional;

import com.deploystack.backend.db.Rows;
import io.helidon.dbclient.DbRow;

/** A claimed job: what a worker needs to run it. {@code payload} is JSON text. */
public record Job(String id, String type, String payload, int attempts, int maxAttempts, Optional<String> batchId) {

    static Job from(DbRow row) {
        return new Job(Rows.text(row, "id"), Rows.text(row, "type"), Rows.text(row, "payload"),
                       Rows.integer(row, "attempts"), Rows.integer(row, "max_attempts"),
                       Rows.optionalText(row, "batch_id"));
    }
}
