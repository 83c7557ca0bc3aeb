package com.deploystack.backend.jobs;

/**
 * Runs the jobs of one type. It returns the job's result as JSON text (or null), or throws to fail the attempt:
 * the job is tried again after a backoff while attempts remain. It runs on a virtual thread and must stop when
 * interrupted (the lease was lost, or the service shuts down); it may run again for the same job after a crash,
 * so its effects should be idempotent.
 */
@FunctionalInterface
public interface JobHandler {

    String run(Job job) throws Exception;
}
