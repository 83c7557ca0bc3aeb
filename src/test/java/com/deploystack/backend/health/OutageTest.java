package com.deploystack.backend.health;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.deploystack.backend.support.StoppablePostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/** Behaviour while PostgreSQL is down: health, setup errors, recovery. */
@Tag("fault")
class OutageTest {

    @TempDir
    Path data;
    private StoppablePostgres postgres;
    private TestService service;

    @BeforeEach
    void start() {
        postgres = new StoppablePostgres();
        service = TestService.start(postgres.environment(), data, Path.of("migrations"),
                                    Map.of("db.timeout.connect", "1000"));
        service.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        service.close();
        postgres.close();
    }

    @Test
    void readinessFollowsSetupAndAnOutageWhileLivenessStaysUp() {
        awaitStatus("/observe/health/started", 200, System.nanoTime(), Duration.ofSeconds(10));
        assertThat(service.get("/observe/health/ready").status(), is(503));
        assertThat(service.setup().status(), is(200));
        awaitStatus("/observe/health/ready", 200, System.nanoTime(), Duration.ofSeconds(10));
        assertThat(service.get("/observe/health/ready").json().getString("status"), is("UP"));

        postgres.stop();
        long stoppedAt = System.nanoTime();
        long downAfterMillis = awaitStatus("/observe/health/ready", 503, stoppedAt, Duration.ofSeconds(10));
        assertThat("readiness must show the outage within two seconds", downAfterMillis, lessThanOrEqualTo(2000L));
        assertThat(service.get("/observe/health/live").status(), is(200));
        assertThat(service.get("/api/health").status(), is(200));

        postgres.start();
        awaitStatus("/observe/health/ready", 200, System.nanoTime(), Duration.ofSeconds(10));
        assertThat(service.get("/observe/health/live").status(), is(200));
    }

    @Test
    void aFloodOfReadinessProbesReachesPostgresAtMostOncePerCacheInterval() {
        assertThat(service.setup().status(), is(200));
        awaitStatus("/observe/health/ready", 200, System.nanoTime(), Duration.ofSeconds(10));
        Set<String> probes = new HashSet<>();
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            probes.add(service.get("/observe/health/ready").json().getJsonArray("checks").getJsonObject(0)
                               .getJsonObject("data").getString("probed_at"));
        }
        long seconds = Math.max(1, (System.nanoTime() - start) / 1_000_000_000L + 1);
        assertThat("200 probes in about " + seconds + " s reached PostgreSQL " + probes.size() + " times",
                   probes.size() <= seconds + 1, is(true));
    }

    @Test
    void setupWhilePostgresIsDownAnswers503AndWritesNothingThenSucceedsWhenItReturns() {
        postgres.stop();
        TestService.Response down = service.setup();
        assertThat(down.status(), is(503));
        assertThat(down.json().getString("error"), containsString("PostgreSQL is unreachable"));
        assertThat(Files.exists(data.resolve("db.selection.json")), is(false));

        postgres.start();
        assertThat(service.setup().status(), is(200));
        assertThat(Files.exists(data.resolve("db.selection.json")), is(true));
    }

    @Test
    void aServiceStartedWhilePostgresIsDownCatchesUpWhenItReturns() {
        assertThat(service.setup().status(), is(200));
        service.close();
        postgres.stop();
        service = TestService.start(postgres.environment(), data, Path.of("migrations"),
                                    Map.of("db.timeout.connect", "1000"));
        assertThat(service.status().getBoolean("initialized"), is(false));
        assertThat(service.get("/api/db/status").status(), is(200));
        postgres.start();
        service.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
    }

    private long awaitStatus(String path, int status, long sinceNanos, Duration timeout) {
        long deadline = sinceNanos + timeout.toNanos();
        while (service.get(path).status() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " did not answer " + status + " within " + timeout);
            }
            TestService.sleep(50);
        }
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }
}
