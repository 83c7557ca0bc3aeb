package com.deploystack.backend.plugins;

import com.deploystack.backend.jobs.JobHandler;

/**
 * A plugin's background jobs: its job types are named {@code <id>.<name>} and run by the workers of every replica
 * where the plugin is enabled. Register them in {@link Plugin#initialize}, before the workers start.
 */
public interface PluginJobs {

    /** Registers the handler of the job type {@code <id>.<name>}. */
    void register(String name, JobHandler handler);

    /** Enqueues a job of type {@code <id>.<name>} with {@code payload} (JSON text); returns its id. */
    String enqueue(String name, String payload);

    /**
     * Enqueues a job of type {@code <id>.<name>} unless one with {@code idempotencyKey} exists already (a retried
     * request); returns the id of the job, new or existing.
     */
    String enqueue(String name, String payload, String idempotencyKey);
}
