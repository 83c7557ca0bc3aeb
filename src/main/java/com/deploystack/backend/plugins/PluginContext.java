package com.deploystack.backend.plugins;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/** What a plugin gets from the service: its database (under its own role) and the service's events. */
public interface PluginContext {

    /** Work on a connection inside a transaction that runs under the plugin's role. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    String pluginId();

    /** The full (prefixed) name of one of the plugin's tables, e.g. {@code audit_events} for {@code events}. */
    String table(String name);

    /**
     * Runs {@code work} in a transaction under the plugin's PostgreSQL role and commits it. Before the
     * database is initialized it throws the service's "Database not available" error (answered 503).
     */
    <T> T inTransaction(Work<T> work);

    /**
     * Runs read-only {@code work} under the plugin's role on a read replica when one may serve it (its data may be
     * up to {@code POSTGRES_READ_MAX_LAG} behind the primary), else on the primary, as the service's own listings do;
     * without read replicas the same as {@link #inTransaction}.
     */
    default <T> T read(Work<T> work) {
        return inTransaction(work);
    }

    /** The value of the plugin's own setting {@code <id>.<name>} (decrypted when encrypted; "" when empty). */
    String setting(String name);

    /** The plugin's background jobs: its job types ({@code <id>.<name>}) and enqueueing. */
    PluginJobs jobs();

    /** Receives the service's events (database setup, setting changes) after they happened. */
    void subscribe(Consumer<ServiceEvent> listener);
}
