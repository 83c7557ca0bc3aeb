package com.deploystack.backend.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;

/**
 * JVM start to ready ({@code GET /observe/health/ready} answers 200: the catch-up of a set-up installation done,
 * PostgreSQL answering) and to the first 200 on {@code GET /api/db/status}, the CPU time used and the resident set
 * size at ready, against {@link HelloWorldBaseline}'s first 200 on {@code GET /hello}: both child JVMs from the same
 * classpath and flags, cold starts alternating, medians printed, and the service's own per-step times (its "Ready
 * in" log line).
 * The service uses the tests' PostgreSQL through {@code POSTGRES_*} (a server outside the service process), with a
 * {@code DEPLOYSTACK_ENCRYPTION_SECRET} as replicas may have ({@code BENCH_KEY_FILE=1}: a shared
 * {@code DEPLOYSTACK_ENCRYPTION_KEY_FILE}; {@code BENCH_GENERATED_SECRET=1}: the generated key), on an
 * installation set up before the measured starts.
 * See BENCHMARKS.md.
 */
public final class StartupBenchmark {

    private static final int RUNS = LoadTools.setting("BENCH_RUNS", 7);
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> service = new HashMap<>(postgres.environment(postgres.createDatabase("bench_start")));
        service.put("PATHS_DATA", Files.createTempDirectory("bench-start").toString());
        service.put("DEPLOYSTACK_ADMIN_TOKEN", "bench-token");
        String secret;
        if (LoadTools.setting("BENCH_KEY_FILE", 0) == 1) {
            // a key file replicas share (a container secret): HKDF, no PBKDF2
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Path file = Files.writeString(Files.createTempFile("bench-start", ".key"), HexFormat.of().formatHex(key));
            service.put("DEPLOYSTACK_ENCRYPTION_KEY_FILE", file.toString());
            secret = "shared key file (HKDF)";
        } else if (LoadTools.setting("BENCH_GENERATED_SECRET", 0) == 0) {
            // a passphrase a person chose, as replicas may share: PBKDF2 (600,000 rounds) at every start
            service.put("DEPLOYSTACK_ENCRYPTION_SECRET", "bench-start-shared-secret-0123456789");
            secret = "chosen encryption secret (PBKDF2)";
        } else {
            secret = "generated encryption secret (HKDF)";
        }
        try (ChildJvm first = ChildJvm.start(ChildJvm.SERVICE, service)) {
            first.awaitFirst200("/api/db/status", Duration.ofSeconds(60));
            first.setup();
        }
        try (ChildJvm warmup = ChildJvm.start(ChildJvm.BASELINE, Map.of())) {
            warmup.awaitFirst200("/hello", Duration.ofSeconds(60));
        }
        Run baseline = new Run();
        Run ours = new Run();
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            baseline.measure(ChildJvm.BASELINE, Map.of(), "/hello");
            steps.add(ours.measure(ChildJvm.SERVICE, service, "/observe/health/ready"));
        }
        System.out.printf("Cold starts: %d of each, alternating; JVM flags: [%s]; %s; PostgreSQL at %s:%d"
                          + " (outside the service)%n",
                          RUNS, LoadTools.setting("BENCH_JVM_FLAGS", ""), secret, postgres.host(), postgres.port());
        System.out.printf("%-44s %12s %12s %8s   %s%n", "what (median)", "service", "hello world", "ratio",
                          "paired ratios: median (min-max)");
        row("start to ready (service) / first 200, ms", ours.firstOk, baseline.firstOk);
        row("CPU used by then (all threads), ms", ours.cpuAtFirstOk, baseline.cpuAtFirstOk);
        row("RSS at ready / first 200, MiB", ours.rssAtFirstOk, baseline.rssAtFirstOk);
        row("RSS " + SETTLE.toSeconds() + " s later, MiB", ours.rssSettled, baseline.rssSettled);
        System.out.println("aim: at most 1.3x on start and RSS");
        System.out.println("the service's own account of each start:");
        steps.forEach(line -> System.out.println("  " + line));
        System.exit(0);
    }

    private static void row(String what, List<Double> service, List<Double> baseline) {
        double ours = MigrationBenchmark.median(service);
        double theirs = MigrationBenchmark.median(baseline);
        List<Double> paired = new ArrayList<>();
        for (int i = 0; i < service.size(); i++) {
            paired.add(service.get(i) / baseline.get(i));
        }
        System.out.printf("%-44s %12.1f %12.1f %8.2f   %.2f (%.2f-%.2f)%n", what, ours, theirs, ours / theirs,
                          MigrationBenchmark.median(paired), Collections.min(paired), Collections.max(paired));
    }

    private static final class Run {
        final List<Double> firstOk = new ArrayList<>();
        final List<Double> cpuAtFirstOk = new ArrayList<>();
        final List<Double> rssAtFirstOk = new ArrayList<>();
        final List<Double> rssSettled = new ArrayList<>();

        /** Returns the child's "Ready in" log line, if it has one. */
        String measure(String mainClass, Map<String, String> env, String path) throws Exception {
            try (ChildJvm child = ChildJvm.start(mainClass, env)) {
                firstOk.add(child.awaitFirst200(path, Duration.ofSeconds(60)));
                cpuAtFirstOk.add(child.cpuMillis());
                rssAtFirstOk.add(child.rssMiB());
                Thread.sleep(SETTLE.toMillis());
                rssSettled.add(child.rssMiB());
                return child.output().lines().filter(line -> line.contains("Ready in")).findFirst()
                        .map(line -> line.substring(line.indexOf("Ready in"))).orElse("");
            }
        }
    }
}
