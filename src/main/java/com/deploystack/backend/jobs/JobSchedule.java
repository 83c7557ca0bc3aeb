package com.deploystack.backend.jobs;

import java.time.Duration;

/** A job of {@code type} to run once per {@code every}, on one replica. */
public record JobSchedule(String type, Duration every) {

    public JobSchedule {
        if (every.toMillis() < 1000) {
            throw new IllegalArgumentException("A scheduled job runs at most once a second: " + type);
        }
    }
}
