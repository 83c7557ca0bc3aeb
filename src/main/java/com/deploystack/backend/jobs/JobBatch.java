package com.deploystack.backend.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;

/** A batch's counters: {@code completed + failed} reaches {@code total} exactly when every job has ended. */
public record JobBatch(String id, String type, int total, int completed, int failed, String status) {

    static JobBatch from(ResultSet row) throws SQLException {
        return new JobBatch(row.getString("id"), row.getString("type"), row.getInt("total_jobs"),
                            row.getInt("completed_jobs"), row.getInt("failed_jobs"), row.getString("status"));
    }
}
