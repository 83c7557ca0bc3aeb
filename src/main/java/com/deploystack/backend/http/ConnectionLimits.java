package com.deploystack.backend.http;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * How long a connection may keep the listener waiting, and how many may be open at once.
 *
 * @param maxConnections open connections at most; at the cap the one that has waited longest without sending a
 *                       complete request is closed to make room for the newcomer
 * @param idle           a kept-alive connection's wait for its next request
 * @param header         from the first byte of a request to the end of its headers (slowloris)
 * @param body           one stall while a request body is read
 */
public record ConnectionLimits(int maxConnections, Duration idle, Duration header, Duration body) {

    public ConnectionLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("http.connections.max must be at least 1, got " + maxConnections);
        }
    }

    /** The {@code http.connections.*} and {@code http.timeout.*} keys (milliseconds). */
    public static ConnectionLimits from(Config http) {
        return new ConnectionLimits(http.get("connections.max").asInt().get(),
                                    Duration.ofMillis(http.get("timeout.idle").asLong().get()),
                                    Duration.ofMillis(http.get("timeout.header").asLong().get()),
                                    Duration.ofMillis(http.get("timeout.body").asLong().get()));
    }
}
