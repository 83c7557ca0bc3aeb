package com.deploystack.backend.observe;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

import com.deploystack.backend.support.PrometheusText;
import com.deploystack.backend.support.StoppablePostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

/** While the PostgreSQL of a set-up service is stopped, metrics and info keep answering and readiness shows it. */
@Tag("server")
class MetricsOutageTest {

    @TempDir
    Path data;
    private StoppablePostgres postgres;
    private TestService service;

    @BeforeEach
    void start() {
        postgres = new StoppablePostgres();
        Map<String, String> env = new HashMap<>(postgres.environment());
        service = TestService.start(env, data, Path.of("migrations"), Map.of("db.timeout.connect", "1000"));
        service.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        service.close();
        postgres.close();
    }

    @Test
    void readinessMetersFollowAnOutageWhileMetricsAndInfoKeepAnswering() {
        assertThat(service.setup().status(), is(200));
        // one scrape may read the probe's gauge before the readiness gauge has run the probe: both are awaited
        await(metrics -> metrics.value("deploystack_ready") == 1.0
                         && metrics.value("deploystack_readiness_probe_up") == 1);
        String schema = service.get("/observe/info").json().getString("schema_version");

        postgres.stop();
        PrometheusText down = await(metrics -> metrics.value("deploystack_ready") == 0.0
                                               && metrics.value("deploystack_readiness_probe_up") == 0);
        assertThat(down.value("deploystack_phase", "phase", "INITIALIZED"), is(1.0));
        assertThat(down.value("hikaricp_connections_max", "pool", "deploystack"), is(10.0));
        long started = System.nanoTime();
        TestService.Response info = service.get("/observe/info");
        assertThat(info.status(), is(200));
        assertThat("the last schema version read", info.json().getString("schema_version"), is(schema));
        assertThat(service.get("/observe/metrics").status(), is(200));
        assertThat("neither waits for PostgreSQL", System.nanoTime() - started,
                   lessThan(Duration.ofSeconds(2).toNanos()));

        postgres.start();
        await(metrics -> metrics.value("deploystack_ready") == 1.0
                         && metrics.value("deploystack_readiness_probe_up") == 1);
    }

    private PrometheusText await(Predicate<PrometheusText> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            TestService.Response response = service.get("/observe/metrics");
            assertThat(response.status(), is(200));
            assertThat(response.contentType(), startsWith("text/plain"));
            PrometheusText metrics = PrometheusText.parse(response.body());
            if (condition.test(metrics)) {
                return metrics;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the metrics did not show what was awaited within 15 s");
            }
            TestService.sleep(200);
        }
    }
}
