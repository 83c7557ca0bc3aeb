package com.deploystack.backend.jobs;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Extends the leases of the jobs this replica runs, every quarter of the lease. A job whose claim was lost (another
 * worker took it after the lease ran out), or whose lease could not be extended before it ends by this machine's
 * clock (PostgreSQL unreachable), has its handler interrupted: a job never runs in two workers at once.
 */
final class LeaseKeeper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());

    /** A running job: its claim, the thread that runs it, and when its lease ends by the local clock. */
    static final class Held {
        private final Job job;
        private final Thread runner;
        private final ReentrantLock running = new ReentrantLock();
        private volatile long leaseEndNanos;
        private volatile boolean lost;
        private boolean ended;

        Held(Job job, Thread runner, long leaseEndNanos) {
            this.job = job;
            this.runner = runner;
            this.leaseEndNanos = leaseEndNanos;
        }

        Job job() {
            return job;
        }

        /** The claim was lost: the handler was interrupted and the job must not be ended by this worker. */
        boolean lost() {
            return lost;
        }

        /** Interrupts the handler, unless it has ended: the worker's thread goes on with other jobs then. */
        void interrupt() {
            running.lock();
            try {
                if (!ended) {
                    runner.interrupt();
                }
            } finally {
                running.unlock();
            }
        }

        private void end() {
            running.lock();
            try {
                ended = true;
            } finally {
                running.unlock();
            }
        }
    }

    private final JobQueue queue;
    private final Duration lease;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** Not an interrupt: a virtual thread's socket closes when it is interrupted, breaking a pooled connection. */
    private final CountDownLatch stop = new CountDownLatch(1);

    LeaseKeeper(JobQueue queue, Duration lease) {
        this.queue = queue;
        this.lease = lease;
        Thread.ofVirtual().name("job-leases").start(this::keepForever);
    }

    /** Starts keeping the lease of {@code job}, claimed at {@code claimedAtNanos} (before the claim statement). */
    Held hold(Job job, long claimedAtNanos) {
        Held running = new Held(job, Thread.currentThread(), claimedAtNanos + lease.toNanos());
        held.put(job.id(), running);
        return running;
    }

    /** The handler of {@code running} has ended: no interrupt reaches its thread any more. */
    void letGo(Held running) {
        running.end();
        held.remove(running.job().id(), running);
    }

    List<Held> running() {
        return List.copyOf(held.values());
    }

    private void keepForever() {
        long every = Math.max(100, lease.toMillis() / 4);
        while (true) {
            try {
                if (stop.await(every, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            held.values().forEach(this::extend);
        }
    }

    private void extend(Held running) {
        long before = System.nanoTime();
        try {
            if (queue.extend(running.job, lease)) {
                running.leaseEndNanos = before + lease.toNanos();
                return;
            }
            LOG.log(Level.WARNING, "Job " + running.job.id() + " (" + running.job.type() + ") was taken over after its"
                                   + " lease ran out; stopping its handler here");
        } catch (SQLException | RuntimeException e) {
            if (System.nanoTime() - running.leaseEndNanos < -lease.toNanos() / 10) {
                LOG.log(Level.WARNING, "Could not extend the lease of job " + running.job.id() + "; trying again", e);
                return;
            }
            LOG.log(Level.WARNING, "The lease of job " + running.job.id() + " (" + running.job.type() + ") ends before it"
                                   + " could be extended; stopping its handler so that another worker may take it", e);
        }
        running.lost = true;
        running.interrupt();
    }

    @Override
    public void close() {
        stop.countDown();
    }
}
