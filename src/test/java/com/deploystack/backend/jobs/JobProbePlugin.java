package com.deploystack.backend.jobs;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.deploystack.backend.plugins.ColumnType;
import com.deploystack.backend.plugins.Plugin;
import com.deploystack.backend.plugins.PluginColumn;
import com.deploystack.backend.plugins.PluginContext;
import com.deploystack.backend.plugins.PluginTable;

/**
 * A plugin for the job tests (on the class path, and packed into a jar for the process tests): its job type
 * {@code probe.run} records every run in {@code probe_runs}, whose primary key is {@code <job id>:<attempt>}, so a
 * second run of one attempt fails; a payload {@code {"sleep": ms, "fail": true}} makes a run slow or failing.
 */
public final class JobProbePlugin implements Plugin {

    public static final AtomicReference<PluginContext> CONTEXT = new AtomicReference<>();

    @Override
    public String id() {
        return "probe";
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public List<PluginTable> tables() {
        return List.of(new PluginTable("runs", List.of(
                PluginColumn.primaryKey("run", ColumnType.TEXT, null),
                PluginColumn.required("job_id", ColumnType.TEXT),
                PluginColumn.required("attempt", ColumnType.INTEGER),
                PluginColumn.required("replica", ColumnType.TEXT),
                PluginColumn.required("started_at", ColumnType.TIMESTAMPTZ),
                PluginColumn.optional("ended_at", ColumnType.TIMESTAMPTZ),
                PluginColumn.optional("outcome", ColumnType.TEXT))));
    }

    @Override
    public void initialize(PluginContext context) {
        CONTEXT.set(context);
        String runs = context.table("runs");
        context.jobs().register("run", job -> {
            String run = job.id() + ":" + job.attempts();
            long[] plan = context.inTransaction(connection -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO " + runs + " (run, job_id, attempt, replica, started_at)"
                        + " VALUES (?, ?, ?, ?, clock_timestamp())")) {
                    insert.setString(1, run);
                    insert.setString(2, job.id());
                    insert.setInt(3, job.attempts());
                    insert.setString(4, Long.toString(ProcessHandle.current().pid()));
                    insert.executeUpdate();
                }
                try (PreparedStatement payload = connection.prepareStatement(
                        "SELECT coalesce((?::jsonb->>'sleep')::bigint, 0), coalesce((?::jsonb->>'fail')::boolean, false)")) {
                    payload.setString(1, job.payload());
                    payload.setString(2, job.payload());
                    try (ResultSet row = payload.executeQuery()) {
                        row.next();
                        return new long[] {row.getLong(1), row.getBoolean(2) ? 1 : 0};
                    }
                }
            });
            try {
                Thread.sleep(plan[0]);
            } catch (InterruptedException e) {
                // the interrupt flag is clear again here, so the outcome can still be written (not while stopping)
                try {
                    end(context, run, "interrupted");
                } catch (SQLException | RuntimeException notRecorded) {
                    e.addSuppressed(notRecorded);
                }
                throw e;
            }
            boolean fail = plan[1] == 1;
            end(context, run, fail ? "failed" : "ok");
            if (fail) {
                throw new IllegalStateException("planned failure");
            }
            return "{\"run\":\"" + run + "\"}";
        });
    }

    private static void end(PluginContext context, String run, String outcome) throws SQLException {
        context.inTransaction(connection -> {
            try (PreparedStatement end = connection.prepareStatement(
                    "UPDATE " + context.table("runs")
                    + " SET ended_at = clock_timestamp(), outcome = ? WHERE run = ?")) {
                end.setString(1, outcome);
                end.setString(2, run);
                return end.executeUpdate();
            }
        });
    }
}
