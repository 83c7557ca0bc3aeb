package com.deploystack.backend.db;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import io.helidon.config.Config;

/**
 * Validated, immutable connection settings for PostgreSQL. {@link #toString()} never shows the password. Host,
 * port and database travel as driver properties, never inside the JDBC URL, so no value can add a URL parameter.
 *
 * @param pgbouncer the server is PgBouncer ({@code POSTGRES_PGBOUNCER}): no server-side prepared statements and
 *                  nothing session-scoped (no {@code options} startup parameter, no LISTEN)
 */
public record DatabaseSettings(String host, int port, String database, String user, String password,
                               SslMode sslMode, Optional<Path> sslRootCert, PoolSettings pool, boolean pgbouncer) {

    /** Settings with TLS switched by {@code POSTGRES_SSL} alone: {@code require} or {@code disable}. */
    public DatabaseSettings(String host, int port, String database, String user, String password, boolean ssl,
                            PoolSettings pool) {
        this(host, port, database, user, password, ssl ? SslMode.REQUIRE : SslMode.DISABLE, Optional.empty(), pool,
             false);
    }

    /**
     * Pool sizing and the bounds of every wait on a request path (configuration keys {@code db.pool.*} and
     * {@code db.timeout.*}).
     *
     * @param statementTimeout a statement on a request path is cancelled by PostgreSQL after this long
     * @param socketTimeout    a connection that gets no answer for this long is dropped (a frozen server, or
     *                         PgBouncer, where no statement timeout is sent)
     * @param lockTimeout      setup and migrations wait this long for a lock before they retry, and name the holder
     * @param lockPatience     a setup gives up waiting for locks after this long (answered 503, naming the holder)
     * @param migrationTimeout one migration statement may run this long before its connection is dropped
     */
    public record PoolSettings(int maximumSize, int minimumIdle, Duration connectionTimeout,
                               Duration validationTimeout, Duration statementTimeout, Duration socketTimeout,
                               Duration lockTimeout, Duration lockPatience, Duration migrationTimeout) {

        /** The {@code db.*} keys ({@code db.pool.*}, {@code db.timeout.*}, {@code db.lock.*}), in milliseconds. */
        public static PoolSettings from(Config db) {
            return new PoolSettings(db.get("pool.size").asInt().get(), db.get("pool.idle").asInt().get(),
                                    millis(db, "timeout.connect"), millis(db, "timeout.validation"),
                                    millis(db, "timeout.statement"), millis(db, "timeout.socket"),
                                    millis(db, "lock.timeout"), millis(db, "lock.patience"),
                                    millis(db, "timeout.migration"));
        }

        private static Duration millis(Config db, String key) {
            return Duration.ofMillis(db.get(key).asLong().get());
        }

        /** The same waits for a pool of another size. */
        public PoolSettings sized(int size, int idle) {
            return new PoolSettings(size, idle, connectionTimeout, validationTimeout, statementTimeout, socketTimeout,
                                    lockTimeout, lockPatience, migrationTimeout);
        }
    }

    /** The same server and database for another login, e.g. a plugin's role, with a small pool of its own. */
    public DatabaseSettings as(String otherUser, String otherPassword, int poolSize) {
        return new DatabaseSettings(host, port, database, otherUser, otherPassword, sslMode, sslRootCert,
                                    pool.sized(poolSize, 0), pgbouncer);
    }

    /** The same server and login for another database of it, e.g. a scratch database. */
    public DatabaseSettings forDatabase(String otherDatabase) {
        return new DatabaseSettings(host, port, otherDatabase, user, password, sslMode, sslRootCert, pool, pgbouncer);
    }

    /**
     * Driver properties for setup and migrations: no statement timeout (a migration may take its time), and a
     * socket timeout of {@link PoolSettings#migrationTimeout()} so that a frozen server is still noticed.
     */
    public Properties migrationProperties() {
        Properties properties = driverProperties();
        properties.remove("options");
        properties.setProperty("socketTimeout", Long.toString(seconds(pool.migrationTimeout())));
        return properties;
    }

    /** Connections of their own for setup and migrations, with {@link #migrationProperties()}. */
    public ConnectionSource migrationConnections() {
        return () -> DriverManager.getConnection(jdbcUrl(), migrationProperties());
    }

    /** Every connection's URL: what it connects to is in {@link #driverProperties()}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://";
    }

    public boolean ssl() {
        return sslMode.encrypted();
    }

    /**
     * Driver properties: server, database and credentials, TLS ({@code require} encrypts without verifying, as the
     * spec's {@code rejectUnauthorized: false}; the verify modes check against {@code sslRootCert}), keepalive, the
     * connect timeout, and the request paths' statement and socket timeouts (work that may run longer, migrations,
     * lifts them on its own connection).
     */
    public Properties driverProperties() {
        Properties properties = new Properties();
        properties.setProperty("PGHOST", host);
        properties.setProperty("PGPORT", Integer.toString(port));
        properties.setProperty("PGDBNAME", database);
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "deploystack-db");
        properties.setProperty("sslmode", sslMode.value());
        properties.setProperty("connectTimeout", Long.toString(seconds(pool.connectionTimeout())));
        // the whole login, not only the TCP connect: a frozen server accepts connections and never answers
        properties.setProperty("loginTimeout", Long.toString(seconds(pool.connectionTimeout())));
        properties.setProperty("socketTimeout", Long.toString(seconds(pool.socketTimeout())));
        sslRootCert.ifPresent(file -> properties.setProperty("sslrootcert", file.toAbsolutePath().toString()));
        if (pgbouncer) {
            properties.setProperty("prepareThreshold", "0");
        } else {
            properties.setProperty("options", "-c statement_timeout=" + pool.statementTimeout().toMillis());
        }
        return properties;
    }

    /** Whole seconds, at least one (the driver's timeouts count in seconds; 0 would mean "none"). */
    private static long seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + hostForUrl() + ":" + port + "/" + database
               + (sslMode.encrypted() ? " (ssl " + sslMode.value() + ")" : "") + (pgbouncer ? " (through PgBouncer)" : "");
    }
}
