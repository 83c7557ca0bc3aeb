package com.deploystack.backend.jobs;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import com.deploystack.backend.json.JsonFactory;

/**
 * The scheduled job {@value #TYPE}: deletes completed and failed jobs, and ended batches, older than
 * {@code jobs.retention}, a thousand rows per statement so that no statement runs long.
 */
final class Housekeeping implements JobHandler {

    static final String TYPE = "jobs.housekeeping";
    private static final System.Logger LOG = System.getLogger(Housekeeping.class.getName());
    private static final int CHUNK = 1000;

    private final DataSource dataSource;
    private final Duration retention;

    Housekeeping(DataSource dataSource, Duration retention) {
        this.dataSource = dataSource;
        this.retention = retention;
    }

    @Override
    public String run(Job job) throws SQLException {
        int jobs = deleteInChunks("""
                DELETE FROM queue_jobs WHERE id IN (
                    SELECT id FROM queue_jobs WHERE status IN ('completed', 'failed')
                    AND completed_at < now() - ? * interval '1 millisecond' LIMIT ?)""");
        int batches = deleteInChunks("""
                DELETE FROM queue_job_batches WHERE id IN (
                    SELECT id FROM queue_job_batches b WHERE status IN ('completed', 'failed')
                    AND completed_at < now() - ? * interval '1 millisecond'
                    AND NOT EXISTS (SELECT 1 FROM queue_jobs j WHERE j.batch_id = b.id) LIMIT ?)""");
        if (jobs + batches > 0) {
            LOG.log(Level.INFO, "Housekeeping deleted " + jobs + " ended jobs and " + batches + " ended batches older"
                                + " than " + retention.toSeconds() + " s");
        }
        return JsonFactory.object().add("deleted_jobs", jobs).add("deleted_batches", batches).build().toString();
    }

    private int deleteInChunks(String sql) throws SQLException {
        int deleted = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setLong(1, retention.toMillis());
            delete.setInt(2, CHUNK);
            int chunk;
            do {
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
                chunk = delete.executeUpdate();
                deleted += chunk;
            } while (chunk == CHUNK);
        }
        return deleted;
    }
}
