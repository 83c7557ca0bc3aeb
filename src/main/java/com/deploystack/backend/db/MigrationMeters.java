package com.deploystack.backend.db;

import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * The scripts the {@link Migrator} ran and how long each took ({@code deploystack_migration_duration_seconds{script}},
 * {@code deploystack_migrations_applied_total}), and the scripts that failed
 * ({@code deploystack_migration_failures_total{script}}). The script label is the file name: as many values as the
 * repository has scripts. Process-wide, in Helidon's global registry.
 */
final class MigrationMeters {

    static final String DURATION = "deploystack.migration.duration";
    static final String APPLIED = "deploystack.migrations.applied";
    static final String FAILURES = "deploystack.migration.failures";

    private MigrationMeters() {
    }

    static void applied(Script script, long startedNanos) {
        Metrics.globalRegistry().getOrCreate(Timer.builder(DURATION).addTag(tag(script))
                .description("Time each migration script took to run"))
                .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
        Metrics.globalRegistry().getOrCreate(Counter.builder(APPLIED)
                .description("Migration scripts this process ran, at setup or at start"))
                .increment();
    }

    static void failed(Script script) {
        Metrics.globalRegistry().getOrCreate(Counter.builder(FAILURES).addTag(tag(script))
                .description("Migration scripts that failed, by script")).increment();
    }

    private static Tag tag(Script script) {
        return Tag.create("script", script.fileName());
    }
}
