package com.deploystack.backend.jobs;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import com.deploystack.backend.db.InitializationStep;
import com.deploystack.backend.db.Step;

/**
 * The jobs' initialization step: enqueues the scheduled jobs of the current interval in setup's (or the catch-up's)
 * transaction, and starts the workers once the database is initialized (after the plugins registered their types).
 */
final class JobsInitialization implements InitializationStep {

    private final List<JobSchedule> schedules;
    private final Runnable start;

    JobsInitialization(List<JobSchedule> schedules, Runnable start) {
        this.schedules = schedules;
        this.start = start;
    }

    @Override
    public Step step() {
        return Step.JOBS;
    }

    @Override
    public void run(Connection connection) throws SQLException {
        ScheduledJobs.enqueueDue(connection, schedules);
    }

    @Override
    public void activate(boolean setupPerformed) {
        start.run();
    }
}
