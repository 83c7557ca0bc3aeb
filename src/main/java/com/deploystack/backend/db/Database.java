package com.deploystack.backend.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClient;

/**
 * The database as the rest of the service sees it: its configuration, its phase, and (when configured)
 * the pool and the DbClient. Handlers call {@link #client()} per request, the spec's {@code getDb()}.
 */
public final class Database implements AutoCloseable {

    private final DatabaseConfiguration configuration;
    private final PhaseMachine phases;
    private final Optional<HikariDataSource> pool;
    private final Optional<DbClient> client;

    private Database(DatabaseConfiguration configuration, PhaseMachine phases, Optional<HikariDataSource> pool) {
        this.configuration = configuration;
        this.phases = phases;
        this.pool = pool;
        this.client = pool.map(ConnectionPools::client);
    }

    /** A database in CONFIGURED (with a pool) when the settings are usable, else in UNCONFIGURED. */
    public static Database create(DatabaseConfiguration configuration) {
        return configuration.settings()
                .map(settings -> new Database(configuration, PhaseMachine.configured(),
                                              Optional.of(ConnectionPools.pool(settings, "deploystack"))))
                .orElseGet(() -> new Database(configuration, PhaseMachine.unconfigured(), Optional.empty()));
    }

    /** The DbClient for this request; before INITIALIZED a {@link DatabaseNotAvailableException} (answered 503). */
    public DbClient client() {
        requireInitialized();
        return client.orElseThrow(() -> DatabaseNotAvailableException.in(phases.current()));
    }

    /** Throws the {@link DatabaseNotAvailableException} that says why, unless the database may be used. */
    public void requireInitialized() {
        PhaseMachine.State state = phases.current();
        if (state.phase() != Phase.INITIALIZED) {
            throw DatabaseNotAvailableException.in(state);
        }
    }

    /**
     * A connection of its own for setup and migrations: no statement timeout, a socket timeout as long as a
     * migration may take ({@code db.timeout.migration}).
     */
    public Connection connectForMigrations() throws SQLException {
        return configuration.settings().orElseThrow(() -> DatabaseNotAvailableException.in(phases.current()))
                .migrationConnections().open();
    }

    /** The pool, for setup, migrations and health probes; empty while UNCONFIGURED. */
    public Optional<DataSource> dataSource() {
        return pool.map(DataSource.class::cast);
    }

    public Optional<DatabaseSettings> settings() {
        return configuration.settings();
    }

    public DatabaseConfiguration configuration() {
        return configuration;
    }

    public PhaseMachine phases() {
        return phases;
    }

    @Override
    public void close() {
        client.ifPresent(DbClient::close);
        pool.ifPresent(HikariDataSource::close);
    }
}
