package com.deploystack.backend.health;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.Phase;
import com.deploystack.backend.db.ReadReplicas;
import com.deploystack.backend.db.ReadRouting;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Ready when the database is INITIALIZED and PostgreSQL answers within a short timeout with the setup marker (a
 * database dropped and re-created empty, or a schema restored without it, is not ready). The probe uses
 * one dedicated connection (not one of the pool's, so a busy pool cannot make the service look down) and
 * its result is reused for a moment, so a flood of probes sends at most one query per interval. With read replicas,
 * each one's state and lag is a detail, and {@code reads} says "degraded" while none is usable (still UP: the primary
 * serves the reads).
 */
public final class DatabaseReadinessCheck implements HealthCheck {

    private record Probe(boolean up, String detail, long atNanos, Instant at, Duration latency) {
    }

    /** What the last query to PostgreSQL found, and how long it took (metered by the service). */
    public record LastProbe(boolean up, Duration latency) {
    }

    /** The database answers, but without the setup marker: dropped and re-created, restored empty, replaced. */
    private static final String MARKER_GONE = "setup marker missing: the database was emptied or replaced";
    private static final String UNDEFINED_TABLE = "42P01";

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

    /** The last probe's result; empty until PostgreSQL has been probed (the phase reached INITIALIZED). */
    public Optional<LastProbe> lastProbe() {
        Probe probe = last;
        return probe == null ? Optional.empty() : Optional.of(new LastProbe(probe.up(), probe.latency()));
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
        HealthCheckResponse.Builder response = HealthCheckResponse.builder()
                .status(probe.up())
                .detail("phase", phase.name())
                .detail("postgresql", probe.detail())
                .detail("probed_at", probe.at().toString());
        ReadReplicas replicas = database.readReplicas();
        if (!replicas.replicas().isEmpty()) {
            // a replica down never turns readiness DOWN: its reads go to the primary
            response.detail("reads", ReadRouting.summary(replicas));
            replicas.replicas().forEach(replica -> response.detail(
                    replica.name(), ReadRouting.describe(replica.state(), replicas)));
        }
        return response.build();
    }

    private Probe probe() {
        long started = System.nanoTime();
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
            try (Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(seconds);
                try (ResultSet marker = statement.executeQuery("SELECT 1 FROM deploystack_setup LIMIT 1")) {
                    return marker.next() ? probed(true, "answering", started) : probed(false, MARKER_GONE, started);
                }
            }
        } catch (SQLException e) {
            closeConnection();
            String detail = UNDEFINED_TABLE.equals(e.getSQLState()) ? MARKER_GONE
                    : "3D000".equals(e.getSQLState()) ? "the database does not exist"
                    : e.getSQLState() != null && e.getSQLState().startsWith("57014") ? "not answering within "
                                                                                      + timeout.toMillis() + " ms"
                    : "unreachable";
            return probed(false, detail, started);
        }
    }

    private static Probe probed(boolean up, String detail, long startedNanos) {
        long now = System.nanoTime();
        return new Probe(up, detail, now, Instant.now(), Duration.ofNanos(now - startedNanos));
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
