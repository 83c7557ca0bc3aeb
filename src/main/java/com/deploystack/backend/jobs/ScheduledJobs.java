package com.deploystack.backend.jobs;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.deploystack.backend.db.DatabaseEvents;

/**
 * Enqueues the scheduled jobs: every replica tries at the start of each interval, with the interval's number (by
 * PostgreSQL's clock) as the idempotency key, so that exactly one job per interval exists however many replicas
 * there are, and whichever worker is free runs it.
 */
final class ScheduledJobs implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ScheduledJobs.class.getName());
    /** Spreads the replicas' attempts a little after each interval starts. */
    private static final int JITTER_MILLIS = 500;

    /**
     * Stops the loop between two attempts. Not an interrupt: a virtual thread's socket closes when the thread is
     * interrupted, which would break a pooled connection in the middle of a statement at every shutdown.
     */
    private final CountDownLatch stop = new CountDownLatch(1);

    private ScheduledJobs(DataSource dataSource, List<JobSchedule> schedules, Runnable enqueued) {
        Thread.ofVirtual().name("job-schedules").start(() -> scheduleForever(dataSource, schedules, enqueued));
    }

    static ScheduledJobs start(DataSource dataSource, List<JobSchedule> schedules, Runnable enqueued) {
        return new ScheduledJobs(dataSource, schedules, enqueued);
    }

    /** Enqueues the current interval's job of each schedule unless one exists; true when one was added. */
    static boolean enqueueDue(Connection connection, List<JobSchedule> schedules) throws SQLException {
        boolean added = false;
        for (JobSchedule schedule : schedules) {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO queue_jobs (type, max_attempts, idempotency_key)
                    VALUES (?, 1, 'every ' || ? || ' ms, #' || floor(extract(epoch FROM now()) * 1000 / ?)::bigint)
                    ON CONFLICT (type, idempotency_key) DO NOTHING""")) {
                insert.setString(1, schedule.type());
                insert.setLong(2, schedule.every().toMillis());
                insert.setLong(3, schedule.every().toMillis());
                added |= insert.executeUpdate() == 1;
            }
        }
        if (added) {
            DatabaseEvents.notify(connection, JobQueue.CHANNEL);
        }
        return added;
    }

    private void scheduleForever(DataSource dataSource, List<JobSchedule> schedules, Runnable enqueued) {
        if (schedules.isEmpty()) {
            return;
        }
        long shortest = schedules.stream().mapToLong(schedule -> schedule.every().toMillis()).min().orElseThrow();
        while (true) {
            try (Connection connection = dataSource.getConnection()) {
                if (enqueueDue(connection, schedules)) {
                    enqueued.run();
                }
            } catch (SQLException | RuntimeException e) {
                if (stop.getCount() == 0) {
                    return; // the pool closed under a scheduler already told to stop
                }
                LOG.log(Level.WARNING, "Could not enqueue the scheduled jobs; trying again at the next interval", e);
            }
            long now = System.currentTimeMillis();
            long untilNext = shortest - now % shortest + ThreadLocalRandom.current().nextInt(JITTER_MILLIS);
            try {
                if (stop.await(untilNext, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops enqueueing: at once between two attempts, else once the attempt under way has ended. */
    @Override
    public void close() {
        stop.countDown();
    }
}
