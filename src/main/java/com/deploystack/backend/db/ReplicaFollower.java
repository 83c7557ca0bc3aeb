package com.deploystack.backend.db;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link DatabaseInitializer#followOtherReplicas()} every interval, and at once when another replica
 * notifies {@link DatabaseEvents#SETUP}: a replica waiting for setup catches up within a second or two of a setup
 * performed anywhere, without a request or a restart.
 */
public final class ReplicaFollower implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReplicaFollower.class.getName());

    private final DatabaseInitializer initializer;
    private final Duration interval;
    private final Semaphore wake = new Semaphore(0);
    /** Not an interrupt: a virtual thread's socket closes when it is interrupted, breaking a pooled connection. */
    private volatile boolean stopped;

    private ReplicaFollower(DatabaseInitializer initializer, Duration interval) {
        this.initializer = initializer;
        this.interval = interval;
        Thread.ofVirtual().name("replica-follower").start(this::followForever);
    }

    public static ReplicaFollower start(DatabaseInitializer initializer, DatabaseEvents events, Duration interval) {
        ReplicaFollower follower = new ReplicaFollower(initializer, interval);
        events.subscribe(DatabaseEvents.SETUP, follower.wake::release);
        return follower;
    }

    private void followForever() {
        while (true) {
            try {
                wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                if (stopped) {
                    return;
                }
                initializer.followOtherReplicas();
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                // PostgreSQL is down or busy: readiness tells; the next turn tries again
                LOG.log(Level.DEBUG, "Could not compare with the other replicas this turn", e);
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        wake.release();
    }
}
