package com.deploystack.backend.db;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClient;

/** One streaming replica that serves reads: its pool and DbClient, the last check's result, the reads it served. */
public final class ReadReplica implements AutoCloseable {

    /** The application name of every connection to a replica, as {@code pg_stat_activity} shows it. */
    public static final String APPLICATION_NAME = "deploystack-db read";

    private final String name;
    private final DatabaseSettings settings;
    private final HikariDataSource pool;
    private final DbClient client;
    private final AtomicLong reads = new AtomicLong();
    private volatile ReplicaState state = ReplicaState.unknown();

    ReadReplica(String name, DatabaseSettings settings) {
        this.name = name;
        this.settings = settings;
        this.pool = ConnectionPools.pool(settings, "deploystack-" + name, APPLICATION_NAME);
        this.client = ConnectionPools.client(pool);
    }

    /** {@code replica-1}, {@code replica-2}… in the order of {@code POSTGRES_READ_HOST}. */
    public String name() {
        return name;
    }

    public ReplicaState state() {
        return state;
    }

    void state(ReplicaState checked) {
        state = checked;
    }

    /** Reads served here since the start. */
    public long reads() {
        return reads.get();
    }

    /** The client of one read, counted. */
    DbClient serve() {
        reads.incrementAndGet();
        return client;
    }

    /**
     * Where one read of another login (a plugin's role) goes: this replica's server, database and TLS settings,
     * counted as a read served here.
     */
    public DatabaseSettings serveSettings() {
        reads.incrementAndGet();
        return settings;
    }

    HikariDataSource pool() {
        return pool;
    }

    /** Driver properties of the checks: the replica's, with the application name of the reads. */
    Properties checkProperties() {
        Properties properties = settings.driverProperties();
        properties.setProperty("ApplicationName", APPLICATION_NAME + " check");
        properties.remove("options");
        return properties;
    }

    String jdbcUrl() {
        return settings.jdbcUrl();
    }

    @Override
    public void close() {
        client.close();
        pool.close();
    }
}
