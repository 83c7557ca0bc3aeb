package com.deploystack.backend.db;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The start-up catch-up on a thread of its own: {@link DatabaseInitializer#resumeAtStartup()}, tried again every
 * two seconds while PostgreSQL is unreachable (said once in the log), so that the web server starts meanwhile.
 */
public final class StartupCatchUp {

    private static final System.Logger LOG = System.getLogger(StartupCatchUp.class.getName());
    private static final Duration RETRY_EVERY = Duration.ofSeconds(2);

    private StartupCatchUp() {
    }

    /** Starts it; {@code attempted} runs after the first attempt, whatever its outcome (the start-up probe). */
    public static Thread start(DatabaseInitializer initializer, Runnable attempted) {
        return Thread.ofVirtual().name("database-startup").start(() -> resume(initializer, attempted));
    }

    private static void resume(DatabaseInitializer initializer, Runnable attempted) {
        boolean reported = false;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                initializer.resumeAtStartup();
                return;
            } catch (SQLException e) {
                if (!reported) {
                    LOG.log(Level.WARNING, "PostgreSQL is unreachable at start (" + e.getMessage() + "); retrying every "
                                           + RETRY_EVERY.toSeconds() + " s", e);
                    reported = true;
                }
            } finally {
                attempted.run();
            }
            try {
                Thread.sleep(RETRY_EVERY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
