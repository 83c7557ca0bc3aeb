package com.deploystack.backend.plugins;

import com.deploystack.backend.jobs.JobHandler;
import com.deploystack.backend.jobs.JobRequest;
import com.deploystack.backend.jobs.Jobs;

/** {@link PluginJobs} of one plugin: its names prefixed with its id, on the service's {@link Jobs}. */
final class PluginJobTypes implements PluginJobs {

    private final String pluginId;
    private final Jobs jobs;

    PluginJobTypes(String pluginId, Jobs jobs) {
        this.pluginId = pluginId;
        this.jobs = jobs;
    }

    @Override
    public void register(String name, JobHandler handler) {
        jobs.types().register(type(name), handler);
    }

    @Override
    public String enqueue(String name, String payload) {
        return jobs.enqueue(JobRequest.of(type(name), payload));
    }

    @Override
    public String enqueue(String name, String payload, String idempotencyKey) {
        return jobs.enqueue(JobRequest.of(type(name), payload).withIdempotencyKey(idempotencyKey));
    }

    private String type(String name) {
        return PluginNames.jobType(pluginId, name);
    }
}
