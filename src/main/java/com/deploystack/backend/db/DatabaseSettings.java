package com.deploystack.backend.db;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * Validated, immutable connection settings for PostgreSQL. {@link #toString()} never shows the password.
 */
public record DatabaseSettings(String host, int port, String database, String user, String password,
                               SslMode sslMode, Optional<Path> sslRootCert, PoolSettings pool) {

    /** Settings with TLS switched by {@code POSTGRES_SSL} alone: {@code require} or {@code disable}. */
    public DatabaseSettings(String host, int port, String database, String user, String password, boolean ssl,
                            PoolSettings pool) {
        this(host, port, database, user, password, ssl ? SslMode.REQUIRE : SslMode.DISABLE, Optional.empty(), pool);
    }

    /** Pool sizing and timeouts (configuration keys {@code db.pool.*} and {@code db.timeout.*}). */
    public record PoolSettings(int maximumSize, int minimumIdle, Duration connectionTimeout,
                               Duration validationTimeout) {
    }

    /** The same server and database for another login, e.g. a plugin's role, with a small pool of its own. */
    public DatabaseSettings as(String otherUser, String otherPassword, int poolSize) {
        return new DatabaseSettings(host, port, database, otherUser, otherPassword, sslMode, sslRootCert,
                                    new PoolSettings(poolSize, 0, pool.connectionTimeout(), pool.validationTimeout()));
    }

    /** The same server and login for another database of it, e.g. a scratch database. */
    public DatabaseSettings forDatabase(String otherDatabase) {
        return new DatabaseSettings(host, port, otherDatabase, user, password, sslMode, sslRootCert, pool);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + database;
    }

    public boolean ssl() {
        return sslMode.encrypted();
    }

    /**
     * Driver properties: credentials, TLS ({@code require} encrypts without verifying, as the spec's
     * {@code rejectUnauthorized: false}; the verify modes check against {@code sslRootCert}), keepalive.
     */
    public Properties driverProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "deploystack-db");
        properties.setProperty("sslmode", sslMode.value());
        sslRootCert.ifPresent(file -> properties.setProperty("sslrootcert", file.toAbsolutePath().toString()));
        return properties;
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + hostForUrl() + ":" + port + "/" + database
               + (sslMode.encrypted() ? " (ssl " + sslMode.value() + ")" : "");
    }
}
