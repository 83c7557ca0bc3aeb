package com.deploystack.backend.health;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.Phase;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Ready when the database is INITIALIZED and PostgreSQL answers within a short timeout. The probe uses
 * one dedicated connection (not one of the pool's, so a busy pool cannot make the service look down) and
 * its result is reused for a moment, so a flood of probes sends at most one query per interval.
 */
public final class DatabaseReadinessCheck implements HealthCheck {

    private record Probe(boolean up, String detail, long atNanos, Instant at) {
    }

    private final Database database;
    private final Duration timeout;
    private final long cacheNanos;
    private final ReentrantLock probing = new ReentrantLock();
    private volatile Probe last;
    private Connection connection;

    public DatabaseReadinessCheck(Database database, Duration timeout, Duration cacheFor) {
        this.database = database;
        this.timeout = timeout;
        this.cacheNanos = cacheFor.toNanos();
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public HealthCheckResponse call() {
        Phase phase = database.phases().phase();
        if (phase != Phase.INITIALIZED) {
            return HealthCheckResponse.builder().status(false).detail("phase", phase.name()).build();
        }
        Probe probe = last;
        boolean stale = probe == null || System.nanoTime() - probe.atNanos() >= cacheNanos;
        if (stale && probing.tryLock()) {
            try {
                probe = probe();
                last = probe;
            } finally {
                probing.unlock();
            }
        }
        if (probe == null) {
            return HealthCheckResponse.builder().status(false).detail("phase", phase.name())
                    .detail("postgresql", "being probed").build();
        }
        return HealthCheckResponse.builder()
                .status(probe.up())
                .detail("phase", phase.name())
                .detail("postgresql", probe.detail())
                .detail("probed_at", probe.at().toString())
                .build();
    }

    private Probe probe() {
        int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        try {
            if (connection == null) {
                DatabaseSettings settings = database.settings().orElseThrow();
                Properties properties = settings.driverProperties();
                properties.setProperty("connectTimeout", Integer.toString(seconds));
                properties.setProperty("loginTimeout", Integer.toString(seconds));
                properties.setProperty("socketTimeout", Integer.toString(seconds + 1));
                properties.setProperty("ApplicationName", "deploystack-db health");
                connection = DriverManager.getConnection(settings.jdbcUrl(), properties);
            }
            if (connection.isValid(seconds)) {
                return new Probe(true, "answering", System.nanoTime(), Instant.now());
            }
            closeConnection();
            return new Probe(false, "not answering within " + timeout.toMillis() + " ms", System.nanoTime(),
                             Instant.now());
        } catch (SQLException e) {
            closeConnection();
            return new Probe(false, "unreachable", System.nanoTime(), Instant.now());
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }
}
