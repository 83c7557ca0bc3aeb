package com.deploystack.backend.observe;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.helidon.common.Weighted;
import io.helidon.http.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Times every request by route template, method and status class ({@code deploystack_http_requests_seconds}) and
 * counts the 401 answers by route family ({@code deploystack_auth_failures_total}). Installed just inside the
 * connection-closing filter, so that it sees every routed answer: error answers, CORS refusals, health and metrics
 * too. Helidon has committed the answer when the chain returns, so its status is the one the client gets.
 */
final class RequestMeters implements Filter, HttpFeature, Weighted {

    static final String REQUESTS = "deploystack.http.requests";
    static final String AUTH_FAILURES = "deploystack.auth.failures";

    /** Latency buckets for histogram_quantile and SLO alerts: from a cached status answer to the timeouts. */
    private static final Duration[] BUCKETS = Stream.of(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    private final MeterRegistry registry;
    /** One timer per label combination (bounded: templates × methods × classes), so a request allocates no builder. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    RequestMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void setup(HttpRouting.Builder routing) {
        routing.addFilter(this);
    }

    /** Inside the connection-closing filter (1000), outside the response headers (900) and CORS (850). */
    @Override
    public double weight() {
        return 950;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        long started = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            String route = RouteLabels.route(request.matchingPattern());
            int status = response.status().code();
            String method = RouteLabels.method(request.prologue().method());
            String statusClass = RouteLabels.statusClass(status);
            timers.computeIfAbsent(route + ' ' + method + ' ' + statusClass, key -> timer(route, method, statusClass))
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            if (status == Status.UNAUTHORIZED_401.code()) {
                registry.getOrCreate(Counter.builder(AUTH_FAILURES)
                                .addTag(Tag.create("family", RouteLabels.family(route)))
                                .description("Requests refused for a missing or wrong token, by route family"))
                        .increment();
            }
        }
    }

    private Timer timer(String route, String method, String statusClass) {
        return registry.getOrCreate(Timer.builder(REQUESTS)
                                            .addTag(Tag.create("route", route))
                                            .addTag(Tag.create("method", method))
                                            .addTag(Tag.create("status", statusClass))
                                            .buckets(BUCKETS)
                                            .description("Requests by route template, method and status class,"
                                                         + " and their latency"));
    }
}
