package com.deploystack.backend.jobs;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The workers of one replica: {@code jobs.workers} virtual threads that claim a job, run its type's handler under a
 * lease ({@link LeaseKeeper}) and complete or fail it. An idle worker waits for {@link #wake()} (a notification
 * that a job was enqueued) or polls every {@code jobs.poll}. At shutdown the workers stop claiming, running jobs may
 * finish until the drain ends, and the rest are interrupted and released for another replica to take at once.
 */
final class JobWorker {

    private static final System.Logger LOG = System.getLogger(JobWorker.class.getName());
    /** How long interrupted handlers get to stop before their jobs are released anyway. */
    private static final Duration INTERRUPTED_GRACE = Duration.ofSeconds(2);

    private final JobQueue queue;
    private final JobTypes types;
    private final JobSettings settings;
    private final String replica;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private final AtomicLong wakes = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final LeaseKeeper leases;
    private volatile boolean claiming = true;
    private volatile boolean releasing;

    private JobWorker(JobQueue queue, JobTypes types, JobSettings settings, String replica) {
        this.queue = queue;
        this.types = types;
        this.settings = settings;
        this.replica = replica;
        this.leases = new LeaseKeeper(queue, settings.lease());
    }

    /** Starts {@code settings.workers()} workers named {@code <replica>/<n>} (the jobs' {@code locked_by}). */
    static JobWorker start(JobQueue queue, JobTypes types, JobSettings settings, String replica) {
        JobWorker worker = new JobWorker(queue, types, settings, replica);
        for (int n = 1; n <= settings.workers(); n++) {
            String name = replica + "/" + n;
            worker.threads.add(Thread.ofVirtual().name("job-worker-" + n).start(() -> worker.work(name)));
        }
        LOG.log(Level.INFO, "Job workers started: " + settings.workers() + " as " + replica + ", job types "
                            + types.types());
        return worker;
    }

    /** A job may be due: idle workers look at once. */
    void wake() {
        wakes.incrementAndGet();
        lock.lock();
        try {
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops claiming; running jobs go on. */
    void stopClaiming() {
        claiming = false;
        wake();
    }

    /**
     * Stops claiming, lets the running jobs finish until {@code deadlineNanos} ({@link System#nanoTime()}), then
     * interrupts the rest and releases their jobs (lease cleared) so that another replica takes them at once.
     */
    void close(long deadlineNanos) {
        stopClaiming();
        joinUntil(deadlineNanos);
        releasing = true;
        List<LeaseKeeper.Held> unfinished = leases.running();
        unfinished.forEach(LeaseKeeper.Held::interrupt);
        joinUntil(System.nanoTime() + INTERRUPTED_GRACE.toNanos());
        // a handler that ignores its interrupt keeps running until the process ends; its job is released regardless
        for (LeaseKeeper.Held held : leases.running()) {
            release(held.job());
        }
        leases.close();
        if (!unfinished.isEmpty()) {
            LOG.log(Level.INFO, unfinished.size() + " running job" + (unfinished.size() == 1 ? "" : "s")
                                + " released at shutdown for another replica");
        }
    }

    private void work(String name) {
        int failures = 0;
        while (claiming) {
            long seen = wakes.get();
            long claimedAt = System.nanoTime();
            Optional<Job> job;
            try {
                job = queue.claim(name, settings.lease(), types.registered());
                failures = 0;
            } catch (SQLException | RuntimeException e) {
                failures++;
                LOG.log(failures == 1 ? Level.WARNING : Level.DEBUG, "Worker " + name + " could not claim a job;"
                        + " trying again every " + settings.poll().toMillis() + " ms", e);
                await(wakes.get(), settings.poll());
                continue;
            }
            if (job.isPresent()) {
                run(job.get(), claimedAt);
            } else {
                await(seen, settings.poll());
            }
        }
    }

    /** Waits up to {@code timeout} unless a wake came after {@code seen} (or the workers stop claiming). */
    private void await(long seen, Duration timeout) {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (claiming && wakes.get() == seen && remaining > 0) {
                remaining = woken.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            // a late interrupt meant for a handler that had already ended: this worker goes on
            Thread.interrupted();
        } finally {
            lock.unlock();
        }
    }

    private void run(Job job, long claimedAt) {
        if (job.attempts() > job.maxAttempts()) {
            fail(job, "Its last attempt did not end: the worker running it stopped and its lease ran out.", null);
            return;
        }
        JobHandler handler = types.handler(job.type()).orElseThrow();
        LeaseKeeper.Held held = leases.hold(job, claimedAt);
        String result = null;
        Throwable failure = null;
        try {
            result = handler.run(job);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Exception | Error e) {
            failure = e;
        } finally {
            // from here on no interrupt reaches this thread for this job
            leases.letGo(held);
        }
        // a virtual thread's sockets close when it is interrupted: clear the flag before the next statement
        boolean interrupted = Thread.interrupted() || failure instanceof InterruptedException;
        if (held.lost()) {
            LOG.log(Level.DEBUG, "Job " + job.id() + " stopped after its claim was lost", failure);
        } else if (failure == null) {
            complete(job, result);
        } else if (releasing && interrupted) {
            release(job);
        } else {
            fail(job, JobErrors.describe(failure), failure);
        }
    }

    private void complete(Job job, String result) {
        try {
            if (!queue.complete(job, result)) {
                LOG.log(Level.WARNING, "Job " + job.id() + " ended after its claim was lost; its result is dropped");
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not record the completion of job " + job.id() + "; it runs again once its"
                                   + " lease ends", e);
        }
    }

    private void fail(Job job, String error, Throwable cause) {
        try {
            Optional<String> status = queue.fail(job, error);
            if (status.equals(Optional.of("pending"))) {
                wakeAfter(queue.backoffAfter(job.attempts()));
            }
            LOG.log(Level.WARNING, "Job " + job.id() + " (" + job.type() + ") attempt " + job.attempts() + " of "
                                   + job.maxAttempts() + " failed: " + error + status.map(now -> "; now " + now)
                                           .orElse("; its claim was lost"), cause);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not record the failure of job " + job.id() + "; it runs again once its lease"
                                   + " ends", e);
        }
    }

    /** The retry is due then: this replica's idle workers look without waiting for their next poll. */
    private void wakeAfter(Duration delay) {
        Thread.ofVirtual().name("job-retry-wake").start(() -> {
            try {
                Thread.sleep(delay);
                wake();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void release(Job job) {
        try {
            queue.release(job);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not release job " + job.id() + "; another replica takes it once its lease"
                                   + " ends", e);
        }
    }

    private void joinUntil(long deadlineNanos) {
        for (Thread thread : threads) {
            long left = deadlineNanos - System.nanoTime();
            try {
                if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
