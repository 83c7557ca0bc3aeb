package com.deploystack.backend.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;

/**
 * What the meters cost on the hottest route: {@code GET /api/db/status} on two initialized services from the same
 * classpath and flags, one metered (the default) and one with {@code OBSERVE_METRICS=false}, loaded in turns
 * (off, on, off, on, …) so that both see the same machine; wrk, 2 threads, 50 connections, 10 s each after a 3 s
 * warm-up; the median of the rounds. Then the cost of a scrape of {@code /observe/metrics}. See BENCHMARKS.md.
 */
public final class MetricsOverheadBenchmark {

    private static final int SECONDS = LoadTools.setting("BENCH_SECONDS", 10);
    private static final int ROUNDS = LoadTools.setting("BENCH_ROUNDS", 3);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private MetricsOverheadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("bench_metrics")));
        env.put("PATHS_DATA", Files.createTempDirectory("bench-metrics").toString());
        env.put("DEPLOYSTACK_ADMIN_TOKEN", "bench-token");
        Map<String, String> unmetered = new HashMap<>(env);
        unmetered.put("OBSERVE_METRICS", "false");
        List<LoadTools.Figures> on = new ArrayList<>();
        List<LoadTools.Figures> off = new ArrayList<>();
        double[] scrapeMillis;
        int scrapeBytes;
        try (ChildJvm metered = ChildJvm.start(ChildJvm.SERVICE, env)) {
            metered.awaitFirst200("/api/db/status", Duration.ofSeconds(60));
            metered.setup();
            metered.awaitFirst200("/observe/health/ready", Duration.ofSeconds(60));
            try (ChildJvm plain = ChildJvm.start(ChildJvm.SERVICE, unmetered)) {
                plain.awaitFirst200("/observe/health/ready", Duration.ofSeconds(60));
                for (int round = 0; round < ROUNDS; round++) {
                    off.add(measure(plain.url("/api/db/status")));
                    on.add(measure(metered.url("/api/db/status")));
                }
            }
            scrapeBytes = scrape(metered.url("/observe/metrics")).length();
            scrapeMillis = new double[50];
            for (int i = 0; i < scrapeMillis.length; i++) {
                long started = System.nanoTime();
                scrape(metered.url("/observe/metrics"));
                scrapeMillis[i] = (System.nanoTime() - started) / 1e6;
            }
        }
        Arrays.sort(scrapeMillis);
        LoadTools.Figures offMedian = median(off);
        LoadTools.Figures onMedian = median(on);
        System.out.printf("wrk -t2 -c50 -d%ds after a 3 s warm-up, %d rounds in turns, medians; PostgreSQL at %s:%d%n",
                          SECONDS, ROUNDS, postgres.host(), postgres.port());
        System.out.printf("%-36s %12s %8s %10s%n", "GET /api/db/status", "requests/s", "x off", "p99 ms");
        System.out.printf("%-36s %12.0f %8.2f %10.2f%n", "metrics off (OBSERVE_METRICS=false)", offMedian.perSecond(),
                          1.0, offMedian.p99Millis());
        System.out.printf("%-36s %12.0f %8.2f %10.2f%n", "metrics on (default)", onMedian.perSecond(),
                          onMedian.perSecond() / offMedian.perSecond(), onMedian.p99Millis());
        System.out.printf("rounds off: %s%nrounds on:  %s%n", rates(off), rates(on));
        System.out.printf("a scrape of /observe/metrics: %d bytes, median %.1f ms, slowest of %d %.1f ms%n",
                          scrapeBytes, scrapeMillis[scrapeMillis.length / 2], scrapeMillis.length,
                          scrapeMillis[scrapeMillis.length - 1]);
        System.out.println("aim: metrics on >= 0.9 x off");
        System.exit(0);
    }

    private static LoadTools.Figures measure(String url) throws Exception {
        LoadTools.wrk(url, 2, 50, 3);
        return LoadTools.wrk(url, 2, 50, SECONDS);
    }

    private static LoadTools.Figures median(List<LoadTools.Figures> rounds) {
        double[] rates = rounds.stream().mapToDouble(LoadTools.Figures::perSecond).sorted().toArray();
        double[] p99 = rounds.stream().mapToDouble(LoadTools.Figures::p99Millis).sorted().toArray();
        return new LoadTools.Figures(rates[rates.length / 2], p99[p99.length / 2]);
    }

    private static String rates(List<LoadTools.Figures> rounds) {
        return rounds.stream().map(figures -> String.format("%.0f", figures.perSecond())).toList().toString();
    }

    private static String scrape(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                                                  HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/observe/metrics answered " + response.statusCode());
        }
        return response.body();
    }
}
