package com.deploystack.backend.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL advisory lock that serializes setup and migrations across threads and replicas. It is a
 * transaction-level lock: it is released by commit or rollback, and by PostgreSQL when the holder dies,
 * so there is never a stuck lock to clear by hand.
 */
public final class MigrationLock {

    /** "deploystack" as a stable 64-bit key (FNV-1a); any other application picking it by chance is unlikely. */
    static final long KEY = 0x6cb5_f7c4_9e3a_2d11L;

    private MigrationLock() {
    }

    /**
     * Waits for the lock inside the current transaction of {@code connection} (autoCommit must be off).
     * On PostgreSQL 14+ the transaction also checks every second that its client is still connected, so a
     * holder killed in the middle of a long statement releases the lock within a second, not when the
     * statement ends.
     */
    public static void acquire(Connection connection) throws SQLException {
        if (connection.getAutoCommit()) {
            throw new IllegalStateException("the migration lock must be taken inside a transaction");
        }
        try (Statement statement = connection.createStatement()) {
            if (connection.getMetaData().getDatabaseMajorVersion() >= 14) {
                statement.execute("SET LOCAL client_connection_check_interval = 1000");
            }
            statement.execute("SELECT pg_advisory_xact_lock(" + KEY + ")");
        }
    }
}
