package com.deploystack.backend.jobs;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The handlers of this replica, by job type: the core's and the plugins'. A type has one handler. */
public final class JobTypes {

    private final Map<String, JobHandler> handlers = new ConcurrentHashMap<>();

    /** Registers {@code handler} for {@code type}; a type registered already is refused. */
    public void register(String type, JobHandler handler) {
        if (handlers.putIfAbsent(type, handler) != null) {
            throw new IllegalArgumentException("Job type " + type + " has a handler already");
        }
    }

    Optional<JobHandler> handler(String type) {
        return Optional.ofNullable(handlers.get(type));
    }

    public Set<String> types() {
        return new TreeSet<>(handlers.keySet());
    }
}
