package com.deploystack.backend.jobs;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseEvents;
import com.deploystack.backend.db.InitializationStep;
import io.helidon.dbclient.DbClientException;

/**
 * The background jobs of one replica, as the rest of the service sees them: the job types (the core's scheduled
 * jobs and the plugins'), enqueueing, the initialization step that starts the workers and the schedules once the
 * database is initialized, and their shutdown.
 */
public final class Jobs implements AutoCloseable {

    private final Database database;
    private final JobSettings settings;
    private final JobTypes types = new JobTypes();
    private final List<JobSchedule> schedules = new ArrayList<>();
    private final String replica;
    private volatile JobWorker worker;
    private ScheduledJobs scheduled;
    private Long drainDeadlineNanos;
    private boolean closed;

    private Jobs(Database database, JobSettings settings) {
        this.database = database;
        this.settings = settings;
        this.replica = Optional.ofNullable(System.getenv("HOSTNAME")).filter(name -> !name.isBlank()).orElse("replica")
                       + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The jobs of {@code database}, with the core's scheduled jobs: housekeeping and the expired-token sweep. */
    public static Jobs create(Database database, JobSettings settings) {
        Jobs jobs = new Jobs(database, settings);
        database.dataSource().ifPresent(dataSource -> {
            jobs.types.register(Housekeeping.TYPE, new Housekeeping(dataSource, settings.retention()));
            jobs.types.register(ExpiredTokenSweep.TYPE, new ExpiredTokenSweep(database));
            if (settings.housekeeping().isPositive()) {
                jobs.schedules.add(new JobSchedule(Housekeeping.TYPE, settings.housekeeping()));
            }
            if (settings.tokenSweep().isPositive()) {
                jobs.schedules.add(new JobSchedule(ExpiredTokenSweep.TYPE, settings.tokenSweep()));
            }
        });
        return jobs;
    }

    /** Job types and their handlers; plugins add theirs before the workers start. */
    public JobTypes types() {
        return types;
    }

    /** Enqueues {@code request} (see {@link JobRequest}); before setup the service's "Database not available" error. */
    public String enqueue(JobRequest request) {
        database.requireInitialized();
        try {
            String id = queue(database.dataSource().orElseThrow()).enqueue(request);
            wake();
            return id;
        } catch (SQLException e) {
            throw new DbClientException("Could not enqueue a job of type " + request.type(), e);
        }
    }

    /** Starts the workers and the schedules once the database is initialized. */
    public InitializationStep step() {
        return new JobsInitialization(schedules, this::start);
    }

    /** Wakes the idle workers when any replica enqueued a job (none pass through PgBouncer: the workers poll). */
    public void listen(DatabaseEvents events) {
        events.subscribe(JobQueue.CHANNEL, this::wake);
    }

    /** The shutdown began: no job is claimed any more; running jobs may finish within {@code drain}. */
    public synchronized void stopClaiming(Duration drain) {
        drainDeadlineNanos = System.nanoTime() + drain.toNanos();
        if (scheduled != null) {
            scheduled.close();
        }
        if (worker != null) {
            worker.stopClaiming();
        }
    }

    /** Ends the jobs still running after the drain: interrupted and released for another replica. */
    @Override
    public synchronized void close() {
        closed = true;
        if (scheduled != null) {
            scheduled.close();
        }
        if (worker != null) {
            worker.close(drainDeadlineNanos == null ? System.nanoTime() : drainDeadlineNanos);
        }
    }

    private synchronized void start() {
        if (worker != null || closed || drainDeadlineNanos != null) {
            return;
        }
        DataSource dataSource = database.dataSource().orElseThrow();
        worker = JobWorker.start(queue(dataSource), types, settings, replica);
        scheduled = ScheduledJobs.start(dataSource, schedules, this::wake);
    }

    private void wake() {
        JobWorker running = worker;
        if (running != null) {
            running.wake();
        }
    }

    private JobQueue queue(DataSource dataSource) {
        return new JobQueue(dataSource, settings.backoff());
    }
}
