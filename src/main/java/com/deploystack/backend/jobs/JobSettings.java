package com.deploystack.backend.jobs;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * The {@code jobs.*} keys (defaults in {@code application.yaml}): workers per replica, the poll interval, the lease,
 * the first retry's backoff, how long ended jobs are kept and how often the housekeeping and the expired-token
 * sweep run ({@code tokens.sweep.interval}; zero turns it off).
 */
public record JobSettings(int workers, Duration poll, Duration lease, Duration backoff, Duration retention,
                          Duration housekeeping, Duration tokenSweep) {

    public JobSettings {
        if (workers < 0) {
            throw new IllegalArgumentException("jobs.workers must be 0 or more, got " + workers);
        }
        if (!poll.isPositive() || lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("jobs.poll must be positive and jobs.lease at least 1000 ms");
        }
    }

    /** Reads {@code jobs.*} and {@code tokens.sweep.interval} from the service's configuration. */
    public static JobSettings from(Config config) {
        Config jobs = config.get("jobs");
        return new JobSettings(jobs.get("workers").asInt().get(),
                               Duration.ofMillis(jobs.get("poll").asLong().get()),
                               Duration.ofMillis(jobs.get("lease").asLong().get()),
                               Duration.ofMillis(jobs.get("backoff").asLong().get()),
                               Duration.ofSeconds(jobs.get("retention").asLong().get()),
                               Duration.ofSeconds(jobs.get("housekeeping.interval").asLong().get()),
                               Duration.ofSeconds(config.get("tokens.sweep.interval").asLong().get()));
    }
}
