package com.deploystack.backend.db;

import java.time.Duration;
import java.util.Properties;

/**
 * Validated, immutable connection settings for PostgreSQL. {@link #toString()} never shows the password.
 */
public record DatabaseSettings(String host, int port, String database, String user, String password,
                               boolean ssl, PoolSettings pool) {

    /** Pool sizing and timeouts (configuration keys {@code db.pool.*} and {@code db.timeout.*}). */
    public record PoolSettings(int maximumSize, int minimumIdle, Duration connectionTimeout,
                               Duration validationTimeout) {
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + database;
    }

    /** Driver properties: credentials, SSL (encrypted, not verified, as the spec's {@code rejectUnauthorized:false}), keepalive. */
    public Properties driverProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "deploystack-db");
        properties.setProperty("sslmode", ssl ? "require" : "disable");
        return properties;
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + hostForUrl() + ":" + port + "/" + database + (ssl ? " (ssl)" : "");
    }
}
