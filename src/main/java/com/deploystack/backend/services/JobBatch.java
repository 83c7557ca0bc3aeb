package com.deploystack.backend.services;

import com.deploystack.backend.db.Rows;
import io.helidon.dbclient.DbRow;

/** A batch's counters: {@code completed + failed} reaches {@code total} exactly when every job has ended. */
public record JobBatch(String id, String type, int total, int completed, int failed, String status) {

    static JobBatch from(DbRow row) {
        return new JobBatch(Rows.text(row, "id"), Rows.text(row, "type"), Rows.integer(row, "total_jobs"),
                            Rows.integer(row, "completed_jobs"), Rows.integer(row, "failed_jobs"),
                            Rows.text(row, "status"));
    }
}
