package com.deploystack.backend.bench;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;

/**
 * Throughput and p99 of {@code GET /api/db/status} and {@code GET /observe/health/ready} on an initialized
 * service against {@link HelloWorldBaseline}'s {@code GET /hello}: wrk, 2 threads, 50 connections, 10 s
 * each after a 3 s warm-up, one server under load at a time, both child JVMs from the same classpath and
 * flags. See BENCHMARKS.md.
 */
public final class HealthThroughputBenchmark {

    private static final int SECONDS = LoadTools.setting("BENCH_SECONDS", 10);

    private HealthThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("bench_health")));
        env.put("PATHS_DATA", Files.createTempDirectory("bench-health").toString());
        env.put("DEPLOYSTACK_ADMIN_TOKEN", "bench-token");
        LoadTools.Figures hello;
        LoadTools.Figures status;
        LoadTools.Figures ready;
        try (ChildJvm baseline = ChildJvm.start(ChildJvm.BASELINE, Map.of())) {
            baseline.awaitFirst200("/hello", Duration.ofSeconds(60));
            hello = measure(baseline.url("/hello"));
        }
        try (ChildJvm service = ChildJvm.start(ChildJvm.SERVICE, env)) {
            service.awaitFirst200("/api/db/status", Duration.ofSeconds(60));
            service.setup();
            service.awaitFirst200("/observe/health/ready", Duration.ofSeconds(60));
            status = measure(service.url("/api/db/status"));
            ready = measure(service.url("/observe/health/ready"));
        }
        System.out.printf("wrk -t2 -c50 -d%ds after a 3 s warm-up; PostgreSQL at %s:%d%n", SECONDS, postgres.host(),
                          postgres.port());
        System.out.printf("%-28s %12s %8s %10s %8s%n", "endpoint", "requests/s", "x /hello", "p99 ms", "aim");
        row("GET /hello (baseline)", hello, hello, "1.0");
        row("GET /api/db/status", status, hello, ">= 0.8");
        row("GET /observe/health/ready", ready, hello, ">= 0.5");
        System.out.println("aim: p99 under 10 ms");
        System.exit(0);
    }

    private static LoadTools.Figures measure(String url) throws Exception {
        LoadTools.wrk(url, 2, 50, 3);
        return LoadTools.wrk(url, 2, 50, SECONDS);
    }

    private static void row(String what, LoadTools.Figures figures, LoadTools.Figures baseline, String aim) {
        System.out.printf("%-28s %12.0f %8.2f %10.2f %8s%n", what, figures.perSecond(),
                          figures.perSecond() / baseline.perSecond(), figures.p99Millis(), aim);
    }
}
