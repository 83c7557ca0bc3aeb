package com.deploystack.backend.topology;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.deploystack.backend.support.ReadmeSnippets;
import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * The Kubernetes probes of README.md, run as the kubelet runs them (HTTP GET with its headers and timeout, success
 * for 200–399) against the packaged jar through its life: start, setup, drain on SIGTERM, exit.
 */
class KubernetesProbesIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @TempDir
    Path work;

    /** One probe of the snippet: path, period and failure threshold. */
    private record Probe(String path, int periodSeconds, int failureThreshold) {
        @SuppressWarnings("unchecked")
        static Probe of(Map<String, Object> container, String name) {
            Map<String, Object> probe = (Map<String, Object>) container.get(name);
            Map<String, Object> get = (Map<String, Object>) probe.get("httpGet");
            assertThat(name + " probes the container's port", get.get("port"), is(3000));
            return new Probe((String) get.get("path"), (Integer) probe.getOrDefault("periodSeconds", 10),
                             (Integer) probe.getOrDefault("failureThreshold", 3));
        }

        /** The kubelet's verdict: a 2xx or 3xx within the default one-second timeout. */
        boolean succeeds(int port) {
            try {
                HttpResponse<Void> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("User-Agent", "kube-probe/1.31").header("Accept", "*/*")
                                .timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return response.statusCode() >= 200 && response.statusCode() < 400;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** Probes every period like the kubelet; the seconds until the probe's outcome is {@code wanted}. */
        long secondsUntil(int port, boolean wanted, int maxPeriods) throws InterruptedException {
            long start = System.nanoTime();
            for (int i = 0; i < maxPeriods; i++) {
                if (succeeds(port) == wanted) {
                    return (System.nanoTime() - start) / 1_000_000_000L;
                }
                Thread.sleep(periodSeconds * 1000L);
            }
            throw new AssertionError(path + " never " + (wanted ? "succeeded" : "failed") + " within " + maxPeriods
                                     + " periods of " + periodSeconds + " s");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theReadmeProbesFollowStartSetupAndDrainWithinTheirBudgets() throws Exception {
        Map<String, Object> pod = new Yaml().load(ReadmeSnippets.get("kubernetes"));
        Map<String, Object> spec = (Map<String, Object>) pod.get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) spec.get("containers")).getFirst();
        Probe startup = Probe.of(container, "startupProbe");
        Probe liveness = Probe.of(container, "livenessProbe");
        Probe readiness = Probe.of(container, "readinessProbe");
        int grace = (Integer) spec.get("terminationGracePeriodSeconds");
        TestPostgres postgres = TestPostgres.get();

        try (ServiceProcess pod1 = ServiceProcess.start(postgres.environment(postgres.createDatabase("probes")),
                                                        work.resolve("data"))) {
            startup.secondsUntil(pod1.port(), true, startup.failureThreshold());
            assertThat("live once started", liveness.succeeds(pod1.port()), is(true));
            assertThat("not ready before setup", readiness.succeeds(pod1.port()), is(false));
            assertThat(pod1.setup().statusCode(), is(200));
            readiness.secondsUntil(pod1.port(), true, 5);

            long sigterm = System.nanoTime();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
                try {
                    return pod1.terminate(Duration.ofSeconds(grace));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            long notReadyAfter = readiness.secondsUntil(pod1.port(), false, readiness.failureThreshold() + 1);
            assertThat("readiness fails within one probe period of SIGTERM", notReadyAfter,
                       lessThan((long) readiness.periodSeconds() + 1));
            assertThat("still live while draining: the kubelet must not restart it", liveness.succeeds(pod1.port()),
                       is(true));
            exit.get();
            assertThat("it exits within terminationGracePeriodSeconds",
                       (System.nanoTime() - sigterm) / 1_000_000_000L, lessThan((long) grace));
        }
    }
}
