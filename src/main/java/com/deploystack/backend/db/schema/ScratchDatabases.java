package com.deploystack.backend.db.schema;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.deploystack.backend.db.ConnectionSource;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.MigrationLock;

/**
 * Throw-away databases on the configured server, for building schemas to compare: created on demand, dropped (with
 * their connections) on {@link #close()}. The configured user needs the CREATEDB privilege.
 */
public final class ScratchDatabases implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Connection admin;
    private final DatabaseSettings settings;
    private final List<String> created = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();

    /** {@code admin}: an auto-commit connection to the server of {@code settings}. */
    public ScratchDatabases(Connection admin, DatabaseSettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    /** A new empty database, and a connection to it (auto-commit on). */
    public Connection create() throws SQLException {
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        String name = "deploystack_scratch_" + HexFormat.of().formatHex(suffix);
        try (Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new SQLException("Cannot create a scratch database on " + settings.host() + ":" + settings.port()
                                   + " (the user " + settings.user() + " needs the CREATEDB privilege): "
                                   + e.getMessage(), e.getSQLState(), e);
        }
        created.add(name);
        Connection connection = settings.forDatabase(name).migrationConnections().open();
        connections.add(connection);
        return connection;
    }

    /** More connections to the scratch database {@code scratch} is connected to (one {@link #create()} made). */
    public ConnectionSource connections(Connection scratch) throws SQLException {
        return settings.forDatabase(scratch.getCatalog()).migrationConnections();
    }

    /** Waits for the migration lock of a scratch database: no one else uses it. */
    public MigrationLock.Waits waits() {
        return MigrationLock.Waits.of(settings, settings.pool().lockPatience(), waiting -> { });
    }

    /** Drops every database created here; one that cannot be dropped is named in the exception. */
    @Override
    public void close() throws SQLException {
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the database is dropped with FORCE below
            }
        }
        List<String> left = new ArrayList<>();
        SQLException failure = null;
        for (String name : created) {
            try (Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                left.add(name);
                failure = e;
            }
        }
        if (failure != null) {
            throw new SQLException("Scratch database" + (left.size() > 1 ? "s " : " ") + String.join(", ", left)
                                   + " could not be dropped (drop by hand): " + failure.getMessage(), failure);
        }
    }
}
