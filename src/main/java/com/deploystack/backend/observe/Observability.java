package com.deploystack.backend.observe;

import java.util.ArrayList;
import java.util.List;

import com.deploystack.backend.routes.Routes;
import io.helidon.config.Config;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.ObserveFeatureConfig;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * What {@code /observe} shows besides health: {@code /observe/metrics} (Helidon's metrics observer: Prometheus text,
 * JSON on {@code Accept: application/json}) with the service's meters, and {@code /observe/info}. Both answer before
 * setup and while PostgreSQL is down (nothing they read needs it), open like health unless {@code observe.protected}
 * puts them behind the admin token.
 *
 * <p>Meters live in Helidon's global registry, as in Helidon's own SE examples. Counters and timers recorded where
 * things happen (requests, setup, migrations, pools) are process-wide; the gauges registered here read this
 * service's state and leave the registry when it closes, so that a later service in the same JVM (tests) registers
 * its own. One service per JVM is what runs in production.
 */
public final class Observability implements AutoCloseable {

    static final String METRICS = "/observe/metrics";
    static final String INFO = "/observe/info";

    private final ObserveSettings settings;
    private final MeterRegistry registry;
    private final List<Meter> gauges;
    private final InfoEndpoint info;
    private final Handler guard;

    private Observability(ObserveSettings settings, MeterRegistry registry, List<Meter> gauges, InfoEndpoint info,
                          Handler guard) {
        this.settings = settings;
        this.registry = registry;
        this.gauges = gauges;
        this.info = info;
        this.guard = guard;
    }

    /** Reads {@code observe.*} and, when metering is on, registers the gauges of the service {@code routes} serve. */
    public static Observability start(Config observe, Routes.Context routes) {
        ObserveSettings settings = ObserveSettings.from(observe);
        MeterRegistry registry = Metrics.globalRegistry();
        List<Meter> gauges = new ArrayList<>();
        if (settings.metrics()) {
            gauges.addAll(PhaseMeters.register(registry, routes.database().phases()));
            gauges.addAll(ReadinessMeters.register(registry, routes.healthChecks()));
            gauges.addAll(SettingsCacheMeters.register(registry, routes.settings()));
        }
        InfoEndpoint info = new InfoEndpoint(BuildInfo.load(), routes.initializer()::schemaVersion,
                                             routes.plugins().versions());
        return new Observability(settings, registry, gauges, info,
                                 routes.adminToken().protect((request, response) -> response.next()));
    }

    /** Helidon's observe feature: {@code health}, and the metrics observer on the same registry when metering is on. */
    public ObserveFeature feature(HealthObserver health) {
        // only the observers added here: Helidon would otherwise find the metrics observer on the class path
        ObserveFeatureConfig.Builder observe = ObserveFeature.builder().observersDiscoverServices(false)
                .addObserver(health);
        if (settings.metrics()) {
            observe.addObserver(MetricsObserver.builder().meterRegistry(registry).build());
        }
        return observe.build();
    }

    /** The request meters, {@code /observe/info}, and the admin token in front of metrics and info when asked. */
    public void register(HttpRouting.Builder routing) {
        if (settings.metrics()) {
            routing.addFeature(new RequestMeters(registry));
        }
        if (settings.requireToken()) {
            for (String path : List.of(METRICS, INFO)) {
                routing.any(path, guard).any(path + "/*", guard);
            }
        }
        routing.get(INFO, info::get);
    }

    @Override
    public void close() {
        gauges.forEach(registry::remove);
    }
}
