package com.deploystack.backend.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.deploystack.backend.support.Neighbour;
import com.deploystack.backend.support.ReadmeSnippets;
import com.deploystack.backend.support.TestPostgres;

/**
 * {@code GET /api/db/status} and {@code GET /observe/health/ready} through Debian's nginx against nginx in front of
 * {@link HelloWorldBaseline}'s {@code GET /hello}, in the same run: with the README's server block (HTTP/1.1,
 * kept-alive upstream connections) and with nginx's defaults (HTTP/1.0 upstream, one connection per request), which
 * the bare hello-world cannot serve at all. wrk, 2 threads, 50 connections, 10 s after a 3 s warm-up.
 * See BENCHMARKS.md.
 */
public final class ProxyThroughputBenchmark {

    private static final int SECONDS = LoadTools.setting("BENCH_SECONDS", 10);

    private ProxyThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("bench_proxy")));
        env.put("PATHS_DATA", Files.createTempDirectory("bench-proxy").toString());
        Path work = Files.createTempDirectory("bench-nginx");
        Map<String, LoadTools.Figures> figures = new HashMap<>();
        String bareHelidonBehindDefaultNginx;
        try (ChildJvm baseline = ChildJvm.start(ChildJvm.BASELINE, Map.of())) {
            baseline.awaitFirst200("/hello", Duration.ofSeconds(60));
            try (Nginx nginx = Nginx.start(work.resolve("hello-README"), "README", baseline.port())) {
                figures.put("hello", measure(nginx.url("/hello")));
            }
            try (Nginx nginx = Nginx.start(work.resolve("hello-default"), "default", baseline.port())) {
                LoadTools.wrk(nginx.url("/hello"), 2, 50, 3);
                bareHelidonBehindDefaultNginx = "answers 200";
            } catch (IllegalStateException errors) {
                bareHelidonBehindDefaultNginx = "answers 505 to every request (Helidon refuses HTTP/1.0)";
            }
        }
        try (ChildJvm service = ChildJvm.start(ChildJvm.SERVICE, env)) {
            service.awaitFirst200("/api/db/status", Duration.ofSeconds(60));
            service.setup();
            service.awaitFirst200("/observe/health/ready", Duration.ofSeconds(60));
            for (String config : new String[] {"default", "README"}) {
                try (Nginx nginx = Nginx.start(work.resolve("service-" + config), config, service.port())) {
                    figures.put("status " + config, measure(nginx.url("/api/db/status")));
                    figures.put("ready " + config, measure(nginx.url("/observe/health/ready")));
                }
            }
        }
        System.out.printf("through nginx; wrk -t2 -c50 -d%ds after a 3 s warm-up; PostgreSQL at %s:%d%n", SECONDS,
                          postgres.host(), postgres.port());
        System.out.printf("%-44s %12s %10s %10s%n", "endpoint (nginx configuration)", "requests/s", "x /hello", "p99 ms");
        LoadTools.Figures hello = figures.get("hello");
        row("GET /hello (baseline, README)", hello, hello);
        for (String config : new String[] {"README", "default"}) {
            row("GET /api/db/status (" + config + ")", figures.get("status " + config), hello);
            row("GET /observe/health/ready (" + config + ")", figures.get("ready " + config), hello);
        }
        System.out.println("the bare hello-world behind nginx's default proxy_pass " + bareHelidonBehindDefaultNginx);
        System.exit(0);
    }

    private static LoadTools.Figures measure(String url) throws Exception {
        LoadTools.wrk(url, 2, 50, 3);
        return LoadTools.wrk(url, 2, 50, SECONDS);
    }

    private static void row(String what, LoadTools.Figures figures, LoadTools.Figures baseline) {
        System.out.printf("%-44s %12.0f %10.2f %10.2f%n", what, figures.perSecond(),
                          figures.perSecond() / baseline.perSecond(), figures.p99Millis());
    }

    /** nginx in front of a child JVM: a bare {@code proxy_pass}, or the README's server block. */
    private record Nginx(Neighbour process, int port) implements AutoCloseable {

        static Nginx start(Path directory, String config, int upstreamPort) {
            int port = Neighbour.freePort();
            String server = config.equals("README")
                    ? ReadmeSnippets.withAddresses(ReadmeSnippets.get("nginx"), "127.0.0.1:3000", "127.0.0.1:" + upstreamPort,
                                                   "listen 8080", "listen 127.0.0.1:" + port)
                    : "server {\n    listen 127.0.0.1:" + port + ";\n    location / {\n        proxy_pass http://127.0.0.1:"
                      + upstreamPort + ";\n    }\n}\n";
            return new Nginx(Neighbour.nginx(directory, server, port), port);
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        @Override
        public void close() {
            process.close();
        }
    }
}
