package com.deploystack.backend.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The PostgreSQL advisory lock that serializes setup, migrations and key rotation across threads and replicas, and
 * the one way to run work under it.
 *
 * <p>The lock is held by a transaction of a connection of its own (the holder), not by the work, so that the work
 * may commit several times (one transaction per migration) and run statements outside any transaction
 * ({@code CREATE INDEX CONCURRENTLY}) while the lock stays held. A transaction-level lock is released by PostgreSQL
 * when its holder commits, rolls back or dies (on PostgreSQL 14+ within a second even in the middle of a statement,
 * {@code client_connection_check_interval}), so there is never a stuck lock; and it works through PgBouncer in
 * transaction pooling, where a session-level lock would not.
 *
 * <p>Every wait is bounded: the advisory lock, and every lock the work needs, is waited for at most
 * {@link Waits#lockTimeout()} at a time; then the attempt is rolled back and tried again, with backoff, while
 * {@link Waits#patience()} lasts. Meanwhile the session that blocks (its application name, pid, state and since when)
 * is told to {@link Waits#reporter()}, and it is named in the failure when patience runs out.
 */
public final class MigrationLock implements AutoCloseable {

    /** A stable 64-bit key ("deploystack"); pg_locks shows it as classid 1823864772, objid 2654612753. */
    public static final long KEY = 0x6cb5_f7c4_9e3a_2d11L;
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Executor SAME_THREAD = Runnable::run;

    /**
     * How work under the lock waits.
     *
     * @param lockTimeout    one wait for a lock
     * @param patience       all attempts together; then {@link LockUnavailableException}
     * @param statementLimit the network timeout of the work's statements (a migration may run long; not forever)
     * @param pgbouncer      connections go through PgBouncer: no session settings outside a transaction (they
     *                       would stay on a server connection that another client gets next)
     * @param reporter       hears what is waited for ("" once nothing is), for the status
     */
    public record Waits(Duration lockTimeout, Duration patience, Duration statementLimit, boolean pgbouncer,
                        Consumer<String> reporter) {

        /** The waits {@code database}'s settings configure, with the patience of the caller. */
        public static Waits of(DatabaseSettings database, Duration patience, Consumer<String> reporter) {
            return new Waits(database.pool().lockTimeout(), patience, database.pool().migrationTimeout(),
                             database.pgbouncer(), reporter);
        }
    }

    /** Patience ran out: the message names what holds the lock. */
    public static final class LockUnavailableException extends SQLException {
        LockUnavailableException(String message) {
            super(message, LOCK_NOT_AVAILABLE);
        }
    }

    private final Connection holder;
    private final Waits waits;

    private MigrationLock(Connection holder, Waits waits) {
        this.holder = holder;
        this.waits = waits;
    }

    /** Takes the lock in a transaction of {@code holder}, which the lock keeps until {@link #close()}. */
    public static MigrationLock acquire(Connection holder, Waits waits) throws SQLException {
        Attempts attempts = new Attempts(waits, "the migration lock");
        while (true) {
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.execute("SET LOCAL lock_timeout = " + waits.lockTimeout().toMillis());
                if (holder.getMetaData().getDatabaseMajorVersion() >= 14) {
                    statement.execute("SET LOCAL client_connection_check_interval = 1000");
                }
                statement.execute("SELECT pg_advisory_xact_lock(" + KEY + ")");
                forgetSnapshot(holder);
                waits.reporter().accept("");
                return new MigrationLock(holder, waits);
            } catch (SQLException e) {
                rollback(holder);
                if (!lockTimedOut(e)) {
                    throw e;
                }
                attempts.waited(advisoryHolder(holder));
            }
        }
    }

    /**
     * Runs {@code work} in one transaction of {@code connection} under the lock, with no statement timeout (a
     * migration may take its time, up to {@link Waits#statementLimit()}) and the lock timeout; rolled back and tried
     * again when it waited too long for a lock.
     */
    public <T> T inTransaction(Connection connection, Transaction.Work<T> work) throws SQLException {
        connection.setNetworkTimeout(SAME_THREAD, (int) waits.statementLimit().toMillis());
        Attempts attempts = new Attempts(waits, "a lock");
        while (true) {
            AtomicInteger workPid = new AtomicInteger();
            try (BlockerWatch watch = new BlockerWatch(holder, workPid, waits.lockTimeout().dividedBy(2))) {
                try {
                    T result = Transaction.run(connection, transaction -> {
                        try (Statement statement = transaction.createStatement()) {
                            statement.execute("SET LOCAL statement_timeout = 0");
                            statement.execute("SET LOCAL lock_timeout = " + waits.lockTimeout().toMillis());
                            try (ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
                                pid.next();
                                workPid.set(pid.getInt(1));
                            }
                        }
                        return work.run(transaction);
                    });
                    waits.reporter().accept("");
                    return result;
                } catch (SQLException | RuntimeException e) {
                    if (!lockTimedOut(e)) {
                        throw e;
                    }
                    attempts.waited(watch.lastSeen());
                }
            }
        }
    }

    /**
     * Runs {@code work} on {@code connection} outside any transaction (each statement commits on its own), the lock
     * still held: for statements PostgreSQL refuses in a transaction, such as {@code CREATE INDEX CONCURRENTLY}.
     */
    public void outsideTransaction(Connection connection, Transaction.Work<Void> work) throws SQLException {
        connection.setNetworkTimeout(SAME_THREAD, (int) waits.statementLimit().toMillis());
        connection.setAutoCommit(true);
        if (waits.pgbouncer()) {
            // session settings would not stay with this connection: the statements wait up to statementLimit
            work.run(connection);
            return;
        }
        execute(connection, "SET statement_timeout = 0");
        execute(connection, "SET lock_timeout = " + waits.lockTimeout().toMillis());
        try {
            work.run(connection);
        } finally {
            execute(connection, "RESET lock_timeout");
            execute(connection, "RESET statement_timeout");
        }
    }

    /** Releases the lock (rolls back the holder's transaction). */
    @Override
    public void close() {
        rollback(holder);
        try {
            holder.setAutoCommit(true);
        } catch (SQLException broken) {
            // a broken holder: PostgreSQL has released the lock with the connection
        }
    }

    /** A lock wait that ran out: {@code lock_timeout}, possibly wrapped by the work's own exception. */
    static boolean lockTimedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Who holds the advisory lock, in words; "another session" when it was released meanwhile. */
    private static String advisoryHolder(Connection holder) throws SQLException {
        try {
            return describe(holder, "SELECT pid FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND granted"
                                    + " AND database = (SELECT oid FROM pg_catalog.pg_database"
                                    + " WHERE datname = current_database())"
                                    + " AND ((classid::bigint << 32) | objid::bigint) = " + KEY);
        } finally {
            rollback(holder);
        }
    }

    /** "application (pid 123, idle in transaction since 2026-…)" for each session the query's pids name. */
    static String describe(Connection connection, String pids) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT string_agg(format('%s (pid %s, %s since %s)', coalesce(nullif(application_name, ''),"
                + " 'a session of ' || usename), pid, state, to_char(coalesce(xact_start, query_start) AT TIME ZONE"
                + " 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')), '; ') FROM pg_catalog.pg_stat_activity"
                + " WHERE pid IN (" + pids + ")");
             ResultSet row = statement.executeQuery()) {
            row.next();
            return Optional.ofNullable(row.getString(1)).orElse("another session");
        }
    }

    /**
     * Drops the snapshot the holder's last query left: the unnamed portal of a finished SELECT keeps its snapshot
     * (and with it the session's xmin) until the next statement, and {@code CREATE INDEX CONCURRENTLY} waits for
     * every session with an older xmin, the holder's too. A utility statement replaces that portal.
     */
    private static void forgetSnapshot(Connection holder) throws SQLException {
        execute(holder, "SET LOCAL statement_timeout = 0");
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException broken) {
            // nothing to roll back on a broken connection
        }
    }

    /** Counts the attempts of one wait: reports each, sleeps the backoff, and gives up when patience ran out. */
    private static final class Attempts {
        private final Waits waits;
        private final String what;
        private final long deadline;
        private Duration backoff = FIRST_BACKOFF;

        Attempts(Waits waits, String what) {
            this.waits = waits;
            this.what = what;
            this.deadline = System.nanoTime() + waits.patience().toNanos();
        }

        void waited(String blocker) throws LockUnavailableException {
            String waiting = what + " held by " + blocker;
            waits.reporter().accept(waiting);
            if (System.nanoTime() + backoff.toNanos() > deadline) {
                waits.reporter().accept("");
                throw new LockUnavailableException("Waited " + waits.patience().toSeconds() + " s for " + waiting
                                                   + "; try again once it is released.");
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LockUnavailableException("Interrupted while waiting for " + waiting);
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /**
     * Watches, on the holder's idle connection, which sessions block the work's backend while it waits for a lock;
     * the last answer names the blocker when the wait times out. Never interrupted: an interrupted virtual thread
     * closes the socket it reads, and the holder's socket carries the lock.
     */
    private static final class BlockerWatch implements AutoCloseable {
        private final AtomicReference<String> lastSeen = new AtomicReference<>("another session");
        private final CountDownLatch stop = new CountDownLatch(1);
        private final Thread thread;

        BlockerWatch(Connection holder, AtomicInteger workPid, Duration every) {
            this.thread = Thread.ofVirtual().name("lock-watch").start(() -> {
                try {
                    while (!stop.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
                        int pid = workPid.get();
                        if (pid != 0) {
                            String blockers = describe(holder, "SELECT unnest(pg_catalog.pg_blocking_pids(" + pid + "))");
                            forgetSnapshot(holder);
                            if (!blockers.equals("another session")) {
                                lastSeen.set(blockers);
                            }
                        }
                    }
                } catch (InterruptedException | SQLException stopped) {
                    // the holder broke: the last answer stands
                }
            });
        }

        String lastSeen() {
            return lastSeen.get();
        }

        @Override
        public void close() {
            stop.countDown();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
