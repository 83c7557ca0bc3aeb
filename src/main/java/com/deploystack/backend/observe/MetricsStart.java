package com.deploystack.backend.observe;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;

/**
 * Brings Helidon's global meter registry up on a thread of its own. The first {@link Metrics#globalRegistry()} of a
 * process loads Helidon's service registry, Micrometer and the JVM meters: close to a second of a start on two
 * cores. {@code Main} begins it before it reads the configuration, and the connection pools register their meters
 * once it is up ({@link #whenUp}) instead of waiting for it, so that the start-up catch-up, which needs a pool, does
 * not wait either.
 */
public final class MetricsStart {

    private static final CompletableFuture<MeterRegistry> REGISTRY = new CompletableFuture<>();

    static {
        Thread.ofPlatform().daemon().name("metrics-start").start(() -> {
            try {
                REGISTRY.complete(Metrics.globalRegistry());
            } catch (RuntimeException | Error e) {
                REGISTRY.completeExceptionally(e);
                throw e;
            }
        });
    }

    private MetricsStart() {
    }

    /** Begins bringing the registry up, if that has not begun yet. */
    public static void begin() {
        // loading this class is what begins it
    }

    /**
     * Runs {@code action} with the registry: at once on this thread when it is up, else on the thread that brings it
     * up, as soon as it is. A registry that failed to come up runs nothing (its failure is logged where it happened).
     */
    public static void whenUp(Consumer<MeterRegistry> action) {
        REGISTRY.thenAccept(action);
    }
}
