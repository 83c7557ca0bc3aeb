package com.deploystack.backend.fault;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import com.deploystack.backend.support.FaultRun;
import com.deploystack.backend.support.StoppablePostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * PostgreSQL stopped under load (database reads, status, readiness, liveness from eight clients): readiness
 * turns DOWN quickly, liveness stays UP, no request waits past the pool's connection timeout, and the
 * service recovers by itself shortly after PostgreSQL returns: readiness at once, database reads once
 * HikariCP's retry backoff (at most 5 s) lets it connect again. 30 s of outage in a bounded run, 120 s in a
 * soak. The bounds asserted are the (DOWN within 2 s, recovery within 5 s) and the configured
 * timeout plus a scheduling allowance; the service is configured so that its expected figures sit well
 * inside them (a 1 s probe cache, a 1 s connection timeout), which leaves margin for this noisy machine.
 */
@Tag("fault")
class PostgresOutageFaultTest {

    private static final long CONNECT_TIMEOUT_MILLIS = 1000;
    /** What a request may take beyond the configured timeout on two shared cores (GC, scheduling, HTTP). */
    private static final long ALLOWANCE_MILLIS = 1500;
    private static final int CLIENTS = 8;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private record Sample(String path, int status, long startNanos, long millis) {
    }

    @Test
    void readinessFollowsAnOutageUnderLoadWhileLivenessStaysUpAndNoRequestWaitsPastTheTimeout(@TempDir Path data)
            throws Exception {
        Duration outage = Duration.ofSeconds(FaultRun.choose(30, 120));
        try (StoppablePostgres postgres = new StoppablePostgres()) {
            Map<String, String> env = new HashMap<>(postgres.environment());
            env.put("DEPLOYSTACK_ADMIN_TOKEN", "fault-token");
            try (TestService service = TestService.start(env, data, Path.of("migrations"), Map.of(
                    "db.timeout.connect", Long.toString(CONNECT_TIMEOUT_MILLIS),
                    "health.probe.timeout", "1000",
                    "health.probe.cache", "1000"))) {
                service.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
                assertThat(service.setup().status(), is(200));
                String team = service.request("POST", "/api/teams", "{\"name\":\"Outage\"}", "Authorization",
                                              "Bearer fault-token").json().getJsonObject("data").getString("id");
                String base = "http://127.0.0.1:" + service.application().port();
                List<String> paths = List.of("/api/teams/" + team, "/api/db/status", "/observe/health/ready",
                                             "/observe/health/live");
                awaitStatus(base, "/observe/health/ready", 200, Duration.ofSeconds(10));

                ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
                AtomicBoolean running = new AtomicBoolean(true);
                long stoppedAt;
                long downAfterMillis;
                long restartedAt;
                long readyAfterMillis;
                long teamsAfterMillis;
                try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < CLIENTS; i++) {
                        int first = i;
                        clients.submit(() -> load(base, paths, first, running, samples));
                    }
                    Thread.sleep(1000);
                    postgres.stop();
                    stoppedAt = System.nanoTime();
                    downAfterMillis = awaitStatus(base, "/observe/health/ready", 503, Duration.ofSeconds(30));
                    Thread.sleep(Math.max(0, outage.toMillis() - (System.nanoTime() - stoppedAt) / 1_000_000));
                    postgres.start();
                    restartedAt = System.nanoTime();
                    readyAfterMillis = awaitStatus(base, "/observe/health/ready", 200, Duration.ofSeconds(60));
                    teamsAfterMillis = awaitStatus(base, paths.getFirst(), 200, Duration.ofSeconds(60));
                    Thread.sleep(1000);
                    running.set(false);
                }
                long slowest = samples.stream().mapToLong(Sample::millis).max().orElseThrow();
                Map<String, Set<Integer>> statuses = new ConcurrentHashMap<>();
                samples.forEach(s -> statuses.computeIfAbsent(s.path().replace(team, "{id}"),
                                                               p -> ConcurrentHashMap.newKeySet()).add(s.status()));
                long duringOutage = samples.stream()
                        .filter(s -> s.startNanos() > stoppedAt && s.startNanos() < restartedAt).count();
                FaultRun.report("postgres outage", String.format(
                        "outage %d s, %d requests (%d during the outage): readiness DOWN after %d ms, UP %d ms and"
                        + " team reads %d ms after PostgreSQL returned, slowest request %d ms; statuses %s",
                        outage.toSeconds(), samples.size(), duringOutage, downAfterMillis, readyAfterMillis,
                        teamsAfterMillis, slowest, statuses));

                assertThat("readiness DOWN within 2 s", downAfterMillis, lessThanOrEqualTo(2000L));
                assertThat("readiness UP within 5 s of PostgreSQL's return", readyAfterMillis, lessThanOrEqualTo(5000L));
                // HikariCP retries a failed connection with a backoff that doubles up to a hard-coded 5 s, so
                // after a long outage the pool's first new connection may come up to 5 s after PostgreSQL did
                assertThat("team reads within HikariCP's 5 s retry backoff (+ allowance) of PostgreSQL's return",
                           teamsAfterMillis, lessThanOrEqualTo(5000L + ALLOWANCE_MILLIS));
                assertThat("liveness is never down", statuses.get("/observe/health/live"), is(Set.of(200)));
                assertThat("status never fails", statuses.get("/api/db/status"), is(Set.of(200)));
                assertThat("team reads answer 200 or 503", Set.of(200, 503).containsAll(statuses.get("/api/teams/{id}")),
                           is(true));
                assertThat("no request waits past the " + CONNECT_TIMEOUT_MILLIS + " ms timeout (+ allowance)", slowest,
                           lessThanOrEqualTo(CONNECT_TIMEOUT_MILLIS + ALLOWANCE_MILLIS));
                assertThat("requests failed without an answer", samples.stream().filter(s -> s.status() < 0).toList(),
                           is(empty()));
            }
        }
    }

    private static void load(String base, List<String> paths, int first, AtomicBoolean running,
                             ConcurrentLinkedQueue<Sample> samples) {
        for (int i = first; running.get(); i++) {
            String path = paths.get(i % paths.size());
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
            if (path.startsWith("/api/teams/")) {
                request.header("Authorization", "Bearer fault-token");
            }
            long start = System.nanoTime();
            int status;
            try {
                status = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                return;
            }
            samples.add(new Sample(path, status, start, (System.nanoTime() - start) / 1_000_000));
        }
    }

    /** Polls {@code path} every 20 ms until it answers {@code status}; returns the milliseconds it took. */
    private static long awaitStatus(String base, String path, int status, Duration timeout) throws Exception {
        long since = System.nanoTime();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (path.startsWith("/api/teams/")) {
            request.header("Authorization", "Bearer fault-token");
        }
        while (HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() != status) {
            assertThat(path + " did not answer " + status + " within " + timeout,
                       System.nanoTime() - since < timeout.toNanos(), is(true));
            Thread.sleep(20);
        }
        return (System.nanoTime() - since) / 1_000_000;
    }
}
