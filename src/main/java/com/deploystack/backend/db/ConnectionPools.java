package com.deploystack.backend.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;

/** Builds the HikariCP pool and the Helidon DbClient over it. */
public final class ConnectionPools {

    private ConnectionPools() {
    }

    /**
     * A pool that starts even when PostgreSQL is down and recovers by itself when it returns. Every pool is metered
     * ({@link PoolMeters}): the main one, the plugins' and any other built here.
     */
    public static HikariDataSource pool(DatabaseSettings settings, String name) {
        return pool(settings, name, settings.driverProperties().getProperty("ApplicationName"));
    }

    /** The same, its connections named {@code applicationName} in {@code pg_stat_activity}. */
    public static HikariDataSource pool(DatabaseSettings settings, String name, String applicationName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(settings.jdbcUrl());
        Properties properties = settings.driverProperties();
        properties.setProperty("ApplicationName", applicationName);
        config.setDataSourceProperties(properties);
        config.setMaximumPoolSize(settings.pool().maximumSize());
        config.setMinimumIdle(settings.pool().minimumIdle());
        config.setConnectionTimeout(settings.pool().connectionTimeout().toMillis());
        config.setValidationTimeout(settings.pool().validationTimeout().toMillis());
        config.setInitializationFailTimeout(-1);
        config.setAutoCommit(true);
        config.setMetricsTrackerFactory(new PoolMeters());
        return new HikariDataSource(config);
    }

    /**
     * Opens the pool's first connection now, on a thread of its own, so that the driver's classes load and the login
     * happens while the start goes on, not when the start-up catch-up first asks for it.
     */
    static void openAhead(HikariDataSource pool) {
        Thread.ofVirtual().name("database-connect").start(() -> {
            try (Connection connection = pool.getConnection()) {
                // opened: back to the pool
            } catch (SQLException e) {
                // PostgreSQL is unreachable now: the start-up catch-up says so and tries again
            }
        });
    }

    static DbClient client(HikariDataSource pool) {
        return JdbcClientBuilder.create()
                .connectionPool(() -> {
                    try {
                        return pool.getConnection();
                    } catch (SQLException e) {
                        throw new DbClientException("PostgreSQL is unreachable: " + e.getMessage(), e);
                    }
                })
                .build();
    }
}
