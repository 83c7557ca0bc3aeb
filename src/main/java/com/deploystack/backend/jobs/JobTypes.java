package com.deploystack.backend.jobs;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The handlers of this replica, by job type: the core's and the plugins'. A type has one handler. A replica claims
 * only the jobs it has a handler for: a job of a type no replica knows waits (it shows in the stats), e.g. for a
 * plugin enabled on some replicas or a release still rolling out.
 */
public final class JobTypes {

    private final Map<String, JobHandler> handlers = new ConcurrentHashMap<>();
    private volatile List<String> registered = List.of();

    /** Registers {@code handler} for {@code type}; a type registered already is refused. */
    public synchronized void register(String type, JobHandler handler) {
        if (handlers.putIfAbsent(type, handler) != null) {
            throw new IllegalArgumentException("Job type " + type + " has a handler already");
        }
        registered = List.copyOf(new TreeSet<>(handlers.keySet()));
    }

    /** The types this replica runs: its workers claim only jobs of these. */
    List<String> registered() {
        return registered;
    }

    Optional<JobHandler> handler(String type) {
        return Optional.ofNullable(handlers.get(type));
    }

    public Set<String> types() {
        return new TreeSet<>(handlers.keySet());
    }
}
