package com.deploystack.backend.db;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL's {@code LISTEN}/{@code NOTIFY} between the replicas of one database, as a wake-up call: one
 * dedicated connection listens on the subscribed channels and runs each channel's subscribers when a
 * notification arrives; {@link #notify(Connection, String)} sends one inside the caller's transaction, so it is
 * delivered only if that commits. Subscribers poll as well: a notification sent while the listening connection is
 * down is lost, and none passes through PgBouncer in transaction pooling, where this class does not listen at all.
 */
public final class DatabaseEvents implements AutoCloseable {

    /** Setup was performed, or a migration applied, by some replica. */
    public static final String SETUP = "deploystack_setup";

    private static final System.Logger LOG = System.getLogger(DatabaseEvents.class.getName());
    private static final Pattern CHANNEL = Pattern.compile("[a-z_]{1,63}");
    private static final int WAIT_MILLIS = 1000;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Optional<DatabaseSettings> settings;
    private final Map<String, List<Runnable>> subscribers = new ConcurrentHashMap<>();
    private final Set<String> listening = ConcurrentHashMap.newKeySet();
    private final Thread listener;

    private DatabaseEvents(Optional<DatabaseSettings> settings) {
        this.settings = settings;
        this.listener = settings.isPresent() ? Thread.ofVirtual().name("database-events").start(this::listenForever)
                : null;
    }

    /** Listens on the database of {@code settings}; with none (unconfigured, or PgBouncer), subscribers only poll. */
    public static DatabaseEvents listen(Optional<DatabaseSettings> settings) {
        return new DatabaseEvents(settings);
    }

    /** Runs {@code subscriber} (on the listener's thread: it must be quick) after each notification on {@code channel}. */
    public void subscribe(String channel, Runnable subscriber) {
        subscribers.computeIfAbsent(checked(channel), name -> new CopyOnWriteArrayList<>()).add(subscriber);
    }

    /** Notifies every replica listening on {@code channel}, when the caller's transaction commits. */
    public static void notify(Connection connection, String channel) throws SQLException {
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, '')")) {
            notify.setString(1, checked(channel));
            notify.execute();
        }
    }

    private void listenForever() {
        Duration backoff = Duration.ofSeconds(1);
        while (!Thread.currentThread().isInterrupted()) {
            try (Connection connection = connect()) {
                listening.clear();
                backoff = Duration.ofSeconds(1);
                while (!Thread.currentThread().isInterrupted()) {
                    listenToNewChannels(connection);
                    PGNotification[] received = connection.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
                    if (received != null) {
                        for (PGNotification notification : received) {
                            dispatch(notification.getName());
                        }
                    }
                }
            } catch (SQLException e) {
                LOG.log(Level.DEBUG, "The notification listener lost its connection; reconnecting in "
                                     + backoff.toSeconds() + " s", e);
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private Connection connect() throws SQLException {
        DatabaseSettings database = settings.orElseThrow();
        Properties properties = database.driverProperties();
        properties.setProperty("ApplicationName", "deploystack-db events");
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", Integer.toString(WAIT_MILLIS / 1000 + 10));
        return DriverManager.getConnection(database.jdbcUrl(), properties);
    }

    private void listenToNewChannels(Connection connection) throws SQLException {
        for (String channel : subscribers.keySet()) {
            if (!listening.contains(channel)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + channel);
                }
                listening.add(channel);
                // a notification may have been missed before this LISTEN: wake the subscribers once
                dispatch(channel);
            }
        }
    }

    private void dispatch(String channel) {
        for (Runnable subscriber : subscribers.getOrDefault(channel, List.of())) {
            try {
                subscriber.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A subscriber of " + channel + " failed", e);
            }
        }
    }

    private static String checked(String channel) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("not a channel name: " + channel);
        }
        return channel;
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.interrupt();
        }
    }
}
