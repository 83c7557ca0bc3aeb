package com.deploystack.backend.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A claimed job: what a handler needs to run it. {@code payload} is JSON text; {@code attempts} counts this run;
 * {@code lockedBy} and {@code attempts} name the claim, which only its holder can end.
 */
public record Job(String id, String type, String payload, int attempts, int maxAttempts, Optional<String> batchId,
                  String lockedBy) {

    static Job from(ResultSet row) throws SQLException {
        return new Job(row.getString("id"), row.getString("type"), row.getString("payload"), row.getInt("attempts"),
                       row.getInt("max_attempts"), Optional.ofNullable(row.getString("batch_id")),
                       row.getString("locked_by"));
    }
}
