package com.deploystack.backend.jobs;

import java.time.Duration;
import java.util.Optional;

/**
 * A job to enqueue: its type, its payload (JSON text), how many times it may be tried, an optional idempotency key
 * (a second enqueue with the same type and key returns the first job instead of adding one) and a delay.
 */
public record JobRequest(String type, String payload, int maxAttempts, Optional<String> idempotencyKey,
                         Duration delay) {

    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    public JobRequest {
        if (type == null || type.isBlank() || type.length() > 100) {
            throw new IllegalArgumentException("A job type must be 1 to 100 characters");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("A job needs at least one attempt");
        }
        if (idempotencyKey.filter(key -> key.isBlank() || key.length() > 200).isPresent()) {
            throw new IllegalArgumentException("An idempotency key must be 1 to 200 characters");
        }
    }

    /** A job of {@code type} with {@code payload}, run at once, tried up to three times, without a key. */
    public static JobRequest of(String type, String payload) {
        return new JobRequest(type, payload, DEFAULT_MAX_ATTEMPTS, Optional.empty(), Duration.ZERO);
    }

    public JobRequest withIdempotencyKey(String key) {
        return new JobRequest(type, payload, maxAttempts, Optional.of(key), delay);
    }

    public JobRequest withMaxAttempts(int attempts) {
        return new JobRequest(type, payload, attempts, idempotencyKey, delay);
    }

    public JobRequest withDelay(Duration wait) {
        return new JobRequest(type, payload, maxAttempts, idempotencyKey, wait);
    }
}
