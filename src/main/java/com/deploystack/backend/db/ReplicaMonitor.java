package com.deploystack.backend.db;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Checks the primary's WAL position and each replica's replay position every {@code interval}, each on a connection
 * of its own whose every wait is bounded by {@code timeout}, so that a stopped or frozen replica is skipped within a
 * second and used again at the first check that reaches it. A replica's lag is how long ago it had last replayed
 * everything the primary had written (an idle primary leaves a replica that has caught up at no lag at all).
 */
final class ReplicaMonitor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReplicaMonitor.class.getName());
    private static final Executor DIRECT = Runnable::run;

    /** What the primary had written at a moment. */
    private record Sample(Lsn position, long atNanos) {
    }

    private final DatabaseSettings primary;
    private final List<ReadReplica> replicas;
    private final Duration interval;
    private final Duration timeout;
    private final Map<ReadReplica, Connection> connections = new HashMap<>();
    private final Map<ReadReplica, Long> caughtUpAt = new HashMap<>();
    private final Consumer<Lsn> primaryWritten;
    private final Thread thread;
    private Connection primaryConnection;
    private volatile boolean closed;

    private ReplicaMonitor(DatabaseSettings primary, List<ReadReplica> replicas, Duration interval, Duration timeout,
                           Consumer<Lsn> primaryWritten) {
        this.primary = primary;
        this.primaryWritten = primaryWritten;
        this.replicas = replicas;
        this.interval = interval;
        this.timeout = timeout;
        this.thread = Thread.ofPlatform().daemon().name("read-replica-monitor").unstarted(this::run);
    }

    /** Starts checking; {@code primaryWritten} hears each position read from the primary. */
    static ReplicaMonitor start(DatabaseSettings primary, List<ReadReplica> replicas, Duration interval,
                                Duration timeout, Consumer<Lsn> primaryWritten) {
        ReplicaMonitor monitor = new ReplicaMonitor(primary, replicas, interval, timeout, primaryWritten);
        monitor.thread.start();
        return monitor;
    }

    private void run() {
        while (!closed) {
            checkAll();
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One round: the primary first, so that a replica that replayed that far was caught up at that moment. */
    void checkAll() {
        Optional<Sample> written = primaryPosition();
        written.ifPresent(sample -> primaryWritten.accept(sample.position()));
        for (ReadReplica replica : replicas) {
            ReplicaState before = replica.state();
            ReplicaState now = check(replica, written);
            replica.state(now);
            if (before.status() != now.status()) {
                // connections opened before a restart are broken: new ones for the reads from now on
                replica.pool().getHikariPoolMXBean().softEvictConnections();
                LOG.log(now.up() ? Level.INFO : Level.WARNING,
                        "Read replica " + replica.name() + " is " + now.status().name().toLowerCase(Locale.ROOT) + " ("
                        + now.detail() + ")" + (now.up() ? "" : "; its reads go to another replica or the primary"));
            }
        }
    }

    private Optional<Sample> primaryPosition() {
        long at = System.nanoTime();
        try {
            if (primaryConnection == null) {
                primaryConnection = open(primary.jdbcUrl(), checkProperties(primary.driverProperties()));
            }
            try (Statement statement = primaryConnection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                row.next();
                return Lsn.parse(row.getString(1)).map(position -> new Sample(position, at));
            }
        } catch (SQLException e) {
            primaryConnection = closeQuietly(primaryConnection);
            return Optional.empty();
        }
    }

    private ReplicaState check(ReadReplica replica, Optional<Sample> written) {
        try {
            Connection connection = connections.get(replica);
            if (connection == null) {
                connection = open(replica.jdbcUrl(), checkProperties(replica.checkProperties()));
                connections.put(replica, connection);
            }
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery(
                         "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")) {
                row.next();
                if (!row.getBoolean(1)) {
                    return ReplicaState.down("not a standby: it is not in recovery (promoted, or the primary itself)");
                }
                Optional<Lsn> replayed = Lsn.parse(row.getString(2));
                if (replayed.isEmpty()) {
                    return ReplicaState.down("not replaying (no WAL received yet)");
                }
                return new ReplicaState(ReplicaState.Status.UP, lag(replica, replayed.get(), written), replayed,
                                        Instant.now(), "replaying");
            }
        } catch (SQLException e) {
            connections.put(replica, closeQuietly(connections.get(replica)));
            LOG.log(Level.DEBUG, "Read replica " + replica.name() + " check failed", e);
            return ReplicaState.down("08001".equals(e.getSQLState()) || "08006".equals(e.getSQLState())
                                     ? "unreachable" : "not answering within " + timeout.toMillis() + " ms");
        }
    }

    private Optional<Duration> lag(ReadReplica replica, Lsn replayed, Optional<Sample> written) {
        if (written.isEmpty()) {
            return replica.state().lag();
        }
        if (replayed.reached(written.get().position())) {
            caughtUpAt.put(replica, written.get().atNanos());
        }
        // never caught up since the start: behind for as long as the monitor has been watching
        long since = caughtUpAt.computeIfAbsent(replica, ignored -> written.get().atNanos());
        return Optional.of(Duration.ofNanos(Math.max(0, System.nanoTime() - since)));
    }

    private Properties checkProperties(Properties properties) {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        properties.setProperty("connectTimeout", Long.toString(seconds));
        properties.setProperty("loginTimeout", Long.toString(seconds));
        properties.setProperty("socketTimeout", Long.toString(seconds));
        return properties;
    }

    private Connection open(String url, Properties properties) throws SQLException {
        Connection connection = DriverManager.getConnection(url, properties);
        connection.setNetworkTimeout(DIRECT, (int) timeout.toMillis());
        return connection;
    }

    private static Connection closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.values().forEach(ReplicaMonitor::closeQuietly);
        closeQuietly(primaryConnection);
    }
}
