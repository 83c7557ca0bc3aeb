package com.deploystack.backend.services;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.Phase;

/**
 * Revokes expired OAuth access tokens on a schedule. Every replica may run it: the delete is idempotent,
 * so replicas sweeping at once only find less to delete.
 */
public final class ExpiredTokenSweeper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ExpiredTokenSweeper.class.getName());

    private final Database database;
    private final ScheduledExecutorService scheduler;

    private ExpiredTokenSweeper(Database database, Duration every) {
        this.database = database;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("token-sweeper").factory());
        scheduler.scheduleWithFixedDelay(this::sweep, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sweeps every {@code every}; a zero or negative interval turns the sweeper off. */
    public static ExpiredTokenSweeper start(Database database, Duration every) {
        return new ExpiredTokenSweeper(database, every.isPositive() ? every : Duration.ofDays(365_000));
    }

    void sweep() {
        if (database.phases().phase() != Phase.INITIALIZED) {
            return;
        }
        try {
            int revoked = new TokenService(database.client()).revokeExpiredTokens();
            if (revoked > 0) {
                LOG.log(Level.INFO, "Revoked " + revoked + " expired access token" + (revoked == 1 ? "" : "s"));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Expired-token sweep failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
