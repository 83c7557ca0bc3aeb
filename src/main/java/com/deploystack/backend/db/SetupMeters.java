package com.deploystack.backend.db;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * Setup attempts by outcome, and how long each took: {@code deploystack_setup_attempts_total{outcome}} and
 * {@code deploystack_setup_duration_seconds{outcome}}. The outcome is a {@link DatabaseInitializer.SetupResult}
 * ({@code performed}, {@code performed_restart_required}, {@code already_performed}) or the
 * {@link SetupException.Kind} of a failure ({@code not_configured}, {@code unreachable}, {@code conflict},
 * {@code failed}). Process-wide, in Helidon's global registry, like every counter of the service.
 */
final class SetupMeters {

    static final String ATTEMPTS = "deploystack.setup.attempts";
    static final String DURATION = "deploystack.setup.duration";

    private SetupMeters() {
    }

    static void record(DatabaseInitializer.SetupResult result, long startedNanos) {
        record(result.name(), startedNanos);
    }

    static void record(RuntimeException failure, long startedNanos) {
        record(failure instanceof SetupException setup ? setup.kind().name() : SetupException.Kind.FAILED.name(),
               startedNanos);
    }

    private static void record(String outcome, long startedNanos) {
        Tag tag = Tag.create("outcome", outcome.toLowerCase(Locale.ROOT));
        Metrics.globalRegistry().getOrCreate(Counter.builder(ATTEMPTS).addTag(tag)
                .description("Setup requests by outcome")).increment();
        Metrics.globalRegistry().getOrCreate(Timer.builder(DURATION).addTag(tag)
                .description("Time a setup request took, by outcome"))
                .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }
}
