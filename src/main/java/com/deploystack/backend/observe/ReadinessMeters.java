package com.deploystack.backend.observe;

import java.util.ArrayList;
import java.util.List;

import com.deploystack.backend.health.DatabaseReadinessCheck;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;

/**
 * Readiness as the load balancer sees it ({@code deploystack_ready}: 1 when {@code /observe/health/ready} answers UP),
 * and the database probe behind it: the last probe's result ({@code deploystack_readiness_probe_up}) and how long it
 * took ({@code deploystack_readiness_probe_latency_seconds}). Reading {@code deploystack_ready} runs the readiness
 * checks, whose database probe is cached ({@code health.probe.cache}), so a scrape adds at most one query per interval.
 */
final class ReadinessMeters {

    static final String READY = "deploystack.ready";
    static final String PROBE_UP = "deploystack.readiness.probe.up";
    static final String PROBE_LATENCY = "deploystack.readiness.probe.latency";

    private ReadinessMeters() {
    }

    static List<Meter> register(MeterRegistry registry, List<HealthCheck> checks) {
        List<HealthCheck> readiness = checks.stream().filter(check -> check.type() == HealthCheckType.READINESS)
                .toList();
        List<Meter> meters = new ArrayList<>();
        meters.add(registry.getOrCreate(Gauge.builder(READY, () -> ready(readiness) ? 1 : 0)
                                                .description("1 when the readiness checks are UP")));
        checks.stream()
                .filter(DatabaseReadinessCheck.class::isInstance)
                .map(DatabaseReadinessCheck.class::cast)
                .findFirst()
                .ifPresent(database -> {
                    meters.add(registry.getOrCreate(Gauge.builder(
                                    PROBE_UP, () -> database.lastProbe().map(probe -> probe.up() ? 1 : 0).orElse(0))
                            .description("1 when the last readiness probe found PostgreSQL answering with the setup"
                                         + " marker; 0 before the first probe")));
                    meters.add(registry.getOrCreate(Gauge.builder(
                                    PROBE_LATENCY, () -> database.lastProbe().map(ReadinessMeters::seconds).orElse(0.0))
                            .baseUnit(Meter.BaseUnits.SECONDS)
                            .description("How long the last readiness probe of PostgreSQL took")));
                });
        return meters;
    }

    private static double seconds(DatabaseReadinessCheck.LastProbe probe) {
        return probe.latency().toNanos() / 1e9;
    }

    private static boolean ready(List<HealthCheck> readiness) {
        return readiness.stream().allMatch(check -> check.call().status() == HealthCheckResponse.Status.UP);
    }
}
