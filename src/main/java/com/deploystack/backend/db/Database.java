package com.deploystack.backend.db;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClient;

/**
 * The database as the rest of the service sees it: its configuration, its phase, and (when configured)
 * the pool and the DbClient. Handlers call {@link #client()} per request, the spec's {@code getDb()}.
 */
public final class Database implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    private final DatabaseConfiguration configuration;
    private final PhaseMachine phases;
    private final Optional<HikariDataSource> pool;
    private final Optional<DbClient> client;
    private final ReadReplicas replicas;

    private Database(DatabaseConfiguration configuration, PhaseMachine phases, Optional<HikariDataSource> pool,
                     ReadReplicas replicas) {
        this.configuration = configuration;
        this.phases = phases;
        this.pool = pool;
        this.client = pool.map(ConnectionPools::client);
        this.replicas = replicas;
    }

    /** A database in CONFIGURED (with a pool) when the settings are usable, else in UNCONFIGURED. */
    public static Database create(DatabaseConfiguration configuration) {
        return create(configuration, ReadReplicaSettings.none());
    }

    /** The same, with pools for the read replicas of {@code reads} (none while unconfigured). */
    public static Database create(DatabaseConfiguration configuration, ReadReplicaSettings reads) {
        return configuration.settings()
                .map(settings -> {
                    PhaseMachine phases = PhaseMachine.configured();
                    HikariDataSource pool = ConnectionPools.pool(settings, "deploystack");
                    ConnectionPools.openAhead(pool);
                    return new Database(configuration, phases,
                                        Optional.of(pool),
                                        ReadReplicas.start(settings, reads,
                                                           () -> phases.phase() == Phase.INITIALIZED));
                })
                .orElseGet(() -> new Database(configuration, PhaseMachine.unconfigured(), Optional.empty(),
                                              ReadReplicas.none()));
    }

    /**
     * The DbClient of the primary for this request: writes, and reads that must see them; before INITIALIZED a
     * {@link DatabaseNotAvailableException} (answered 503).
     */
    public DbClient client() {
        requireInitialized();
        return client.orElseThrow(() -> DatabaseNotAvailableException.in(phases.current()));
    }

    /**
     * Runs {@code work}, a request's reads, on a read replica when one may serve it (see {@link ReadReplicas}), else
     * on the primary. {@code after} is the WAL position the client's last write answered with
     * ({@code X-DeployStack-LSN}): the read then sees that write. When a replica fails the work (down
     * since its last check, the tables not replayed yet, or the query cancelled by a conflict with recovery) the
     * primary runs it again, so that a replica's failure never reaches the client.
     */
    public <T> T read(Optional<Lsn> after, Function<DbClient, T> work) {
        return read(after, replica -> work.apply(replica.serve()), () -> work.apply(client()));
    }

    /**
     * The same choice for reads that open their own connections (a plugin's role): {@code onReplica} on the replica
     * chosen, else, or when the replica fails it, {@code onPrimary}.
     */
    public <T> T read(Optional<Lsn> after, Function<ReadReplica, T> onReplica, Supplier<T> onPrimary) {
        requireInitialized();
        Optional<ReadReplica> replica = replicas.chooseReplica(after);
        if (replica.isEmpty()) {
            return onPrimary.get();
        }
        try {
            return onReplica.apply(replica.get());
        } catch (RuntimeException e) {
            if (!ReadReplicas.replicaFailure(e)) {
                throw e;
            }
            LOG.log(Level.WARNING, "A read replica failed a read; the primary answers it", e);
            return onPrimary.get();
        }
    }

    /** Where the primary's WAL is now, for the answer of a write; empty before INITIALIZED. */
    public Optional<Lsn> writePosition() {
        if (phases.phase() != Phase.INITIALIZED || client.isEmpty()) {
            return Optional.empty();
        }
        // the insert position: with synchronous_commit off the write position may still be before the commit
        return client.get().execute().get("SELECT pg_current_wal_insert_lsn()::text AS lsn")
                .flatMap(row -> Lsn.parse(row.column("lsn").getString()));
    }

    /** The read replicas and their states (none configured: empty). */
    public ReadReplicas readReplicas() {
        return replicas;
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
        replicas.close();
        client.ifPresent(DbClient::close);
        pool.ifPresent(HikariDataSource::close);
    }
}
