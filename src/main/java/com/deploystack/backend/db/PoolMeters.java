package com.deploystack.backend.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import com.deploystack.backend.observe.MetricsStart;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * The meters of every HikariCP pool the service builds ({@link ConnectionPools}), under HikariCP's own metric
 * names ({@code hikaricp_connections_active{pool="deploystack"}}, …) so that the usual HikariCP dashboards read
 * them. HikariCP brings a Micrometer tracker of its own, but it would register on Micrometer's registry behind
 * Helidon's back: this tracker speaks Helidon's metrics API, so the pools' meters live in the registry that
 * {@code /observe/metrics} shows, with its scopes and formats, and leave it when their pool closes. Pools are told
 * apart by their names ({@code deploystack}, {@code plugin-<id>}): a pool added later gets its meters by being built
 * by {@link ConnectionPools} under a name of its own.
 */
final class PoolMeters implements MetricsTrackerFactory {

    static final String PREFIX = "hikaricp.connections";

    @Override
    public IMetricsTracker create(String poolName, PoolStats stats) {
        Tracker tracker = new Tracker();
        MetricsStart.whenUp(registry -> tracker.attach(new Meters(registry, poolName, stats)));
        return tracker;
    }

    /**
     * What HikariCP calls. Its meters arrive when the registry is up ({@link MetricsStart}): at once, except for the
     * pools built in the first second of a start, whose first few samples (the first connections) are not counted.
     */
    private static final class Tracker implements IMetricsTracker {

        private volatile Meters meters;
        private boolean closed;

        synchronized void attach(Meters registered) {
            if (closed) {
                registered.remove();
            } else {
                meters = registered;
            }
        }

        @Override
        public void recordConnectionAcquiredNanos(long nanos) {
            Meters registered = meters;
            if (registered != null) {
                registered.acquire.record(nanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void recordConnectionUsageMillis(long millis) {
            Meters registered = meters;
            if (registered != null) {
                registered.usage.record(millis, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void recordConnectionCreatedMillis(long millis) {
            Meters registered = meters;
            if (registered != null) {
                registered.creation.record(millis, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void recordConnectionTimeout() {
            Meters registered = meters;
            if (registered != null) {
                registered.timeouts.increment();
            }
        }

        /** The pool closed: its meters leave the registry (or never enter it). */
        @Override
        public synchronized void close() {
            closed = true;
            if (meters != null) {
                meters.remove();
            }
        }
    }

    /** The meters of one pool, registered. */
    private static final class Meters {

        private final MeterRegistry registry;
        private final List<Meter> meters = new ArrayList<>();
        private final Timer acquire;
        private final Timer usage;
        private final Timer creation;
        private final Counter timeouts;

        Meters(MeterRegistry registry, String poolName, PoolStats stats) {
            this.registry = registry;
            Tag pool = Tag.create("pool", poolName);
            gauge(pool, "", "Open connections of the pool", stats, PoolStats::getTotalConnections);
            gauge(pool, ".active", "Connections lent out", stats, PoolStats::getActiveConnections);
            gauge(pool, ".idle", "Connections open and waiting to be lent", stats, PoolStats::getIdleConnections);
            gauge(pool, ".pending", "Threads waiting for a connection", stats, PoolStats::getPendingThreads);
            gauge(pool, ".max", "Most connections the pool opens", stats, PoolStats::getMaxConnections);
            gauge(pool, ".min", "Fewest idle connections the pool keeps", stats, PoolStats::getMinConnections);
            this.acquire = timer(pool, ".acquire", "Time to get a connection from the pool");
            this.usage = timer(pool, ".usage", "Time a connection was lent out");
            this.creation = timer(pool, ".creation", "Time to open a new connection");
            this.timeouts = add(registry.getOrCreate(Counter.builder(PREFIX + ".timeout").addTag(pool)
                    .description("Requests for a connection that gave up after the connection timeout")));
        }

        private void gauge(Tag pool, String suffix, String description, PoolStats stats,
                           ToIntFunction<PoolStats> value) {
            add(registry.getOrCreate(Gauge.builder(PREFIX + suffix, () -> value.applyAsInt(stats))
                                             .addTag(pool).description(description)));
        }

        private Timer timer(Tag pool, String suffix, String description) {
            return add(registry.getOrCreate(Timer.builder(PREFIX + suffix).addTag(pool).description(description)));
        }

        private <M extends Meter> M add(M meter) {
            meters.add(meter);
            return meter;
        }

        void remove() {
            meters.forEach(registry::remove);
        }
    }
}
