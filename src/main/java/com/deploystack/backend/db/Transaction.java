package com.deploystack.backend.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The one way to run work in a transaction: begin, commit when the work returns (or roll back, for a trial), roll
 * back when it throws (a broken connection included: PostgreSQL has rolled back already), and restore the
 * connection's auto-commit.
 */
public final class Transaction {

    /** Work on the transaction's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Transaction() {
    }

    public static <T> T run(Connection connection, Work<T> work) throws SQLException {
        return run(connection, work, true);
    }

    /** Runs {@code work} in a transaction that is always rolled back: a trial whose effects must not stay. */
    public static <T> T rolledBack(Connection connection, Work<T> work) throws SQLException {
        return run(connection, work, false);
    }

    private static <T> T run(Connection connection, Work<T> work, boolean commit) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            T result = work.run(connection);
            if (commit) {
                connection.commit();
            } else {
                connection.rollback();
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException broken) {
                e.addSuppressed(broken);
            }
            throw e;
        } finally {
            try {
                connection.setAutoCommit(autoCommit);
            } catch (SQLException broken) {
                // the pool discards a broken connection; the failure that broke it is what the caller sees
            }
        }
    }
}
