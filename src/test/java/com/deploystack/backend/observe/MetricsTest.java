package com.deploystack.backend.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.deploystack.backend.support.PrometheusText;
import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * {@code /observe/metrics} and {@code /observe/info} of the real service on the shared PostgreSQL, scraped and read as
 * Prometheus reads them. Counters and timers are process-wide (other test classes in this JVM add to them), so each
 * test compares a scrape after with a scrape before.
 */
class MetricsTest {

    private static final String TOKEN = "metrics-test-admin-token-0123456789";
    private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
    private static final List<String> PHASES = List.of("UNCONFIGURED", "CONFIGURED", "INITIALIZING", "INITIALIZED",
                                                       "FAILED");

    @TempDir
    Path data;
    private String database;
    private TestService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private TestService start(Map<String, String> config) {
        database = TestPostgres.get().createDatabase("metrics");
        return start(TestPostgres.get().environment(database), Path.of("migrations"), config);
    }

    private TestService start(Map<String, String> environment, Path migrations, Map<String, String> config) {
        Map<String, String> env = new HashMap<>(environment);
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        Map<String, String> values = new HashMap<>(Map.of("plugins.enabled", "audit"));
        values.putAll(config);
        service = TestService.start(env, data, migrations, values);
        return service;
    }

    private PrometheusText scrape(String... headers) {
        TestService.Response response = service.request("GET", "/observe/metrics", null, headers);
        assertThat(response.body(), response.status(), is(200));
        assertThat(response.contentType(), startsWith("text/plain"));
        return PrometheusText.parse(response.body());
    }

    @Test
    void theMetersExistWithTheirLabelsBeforeSetup() {
        start(Map.of());
        service.awaitSetupPerformed(false, Duration.ofSeconds(30));
        PrometheusText metrics = scrape();

        assertPhase(metrics, "CONFIGURED");
        assertThat("the JVM's base meters", metrics.value("jvm_uptime_seconds", "scope", "base"), greaterThan(0.0));
        assertThat(metrics.value("memory_usedHeap_bytes", "scope", "base"), greaterThan(0.0));
        assertThat(metrics.value("thread_count", "scope", "base"), greaterThan(0.0));
        for (String gauge : List.of("hikaricp_connections", "hikaricp_connections_active", "hikaricp_connections_idle",
                                    "hikaricp_connections_pending", "hikaricp_connections_min")) {
            assertThat(gauge, metrics.find(gauge, "pool", "deploystack").isPresent(), is(true));
        }
        assertThat(metrics.value("hikaricp_connections_max", "pool", "deploystack"), is(10.0));
        assertThat(metrics.find("hikaricp_connections_timeout_total", "pool", "deploystack").isPresent(), is(true));
        assertThat(metrics.find("hikaricp_connections_acquire_seconds_count", "pool", "deploystack").isPresent(),
                   is(true));
        assertThat(metrics.value("deploystack_ready"), is(0.0));
        assertThat(metrics.find("deploystack_settings_cache_hit_ratio").isPresent(), is(true));
        assertThat(metrics.value("deploystack_http_requests_seconds_count", "route", "/api/db/status", "method", "GET",
                                 "status", "2xx"), greaterThanOrEqualTo(1.0));
    }

    @Test
    void jsonIsAnsweredWhenAskedForAndAScopeOnItsOwn() {
        start(Map.of());
        PrometheusText base = PrometheusText.parse(service.get("/observe/metrics?scope=base").body());
        assertThat(base.find("jvm_uptime_seconds").isPresent(), is(true));
        assertThat(base.all("deploystack_phase"), is(empty()));

        TestService.Response response = service.request("GET", "/observe/metrics", null, "Accept", "application/json");
        assertThat(response.status(), is(200));
        assertThat(response.contentType(), startsWith("application/json"));
        JsonObject metrics = response.json();
        assertThat(metrics.getJsonObject("application").getInt("deploystack.phase;phase=CONFIGURED"), is(1));
        assertThat(metrics.getJsonObject("base").containsKey("jvm.uptime"), is(true));
    }

    @Test
    void thePhaseMovesToInitializedAndSetupAndEveryScriptAreCounted() throws IOException {
        start(Map.of());
        service.awaitSetupPerformed(false, Duration.ofSeconds(30));
        PrometheusText before = scrape();

        assertThat(service.setup().status(), is(200));
        assertThat(service.setup().status(), is(409));
        PrometheusText after = scrape();

        assertPhase(after, "INITIALIZED");
        assertThat(delta(before, after, "deploystack_setup_attempts_total", "outcome", "performed"), is(1.0));
        assertThat(delta(before, after, "deploystack_setup_attempts_total", "outcome", "already_performed"), is(1.0));
        assertThat(delta(before, after, "deploystack_setup_duration_seconds_count", "outcome", "performed"), is(1.0));
        assertThat(after.value("deploystack_setup_duration_seconds_sum", "outcome", "performed"), greaterThan(0.0));
        List<String> scripts = scriptNames(Path.of("migrations"));
        for (String script : scripts) {
            assertThat(script, delta(before, after, "deploystack_migration_duration_seconds_count", "script", script),
                       is(1.0));
        }
        assertThat(delta(before, after, "deploystack_migrations_applied_total"), is((double) scripts.size()));
        assertThat("the plugin's pool is metered once it is used",
                   after.find("hikaricp_connections_max", "pool", "plugin-audit").isPresent(), is(true));

        // one scrape may read the probe's gauge before the readiness gauge has run the probe: both are awaited
        PrometheusText ready = awaitScrape(metrics -> metrics.value("deploystack_ready") == 1.0
                                                      && metrics.value("deploystack_readiness_probe_up") == 1.0);
        assertThat(ready.value("deploystack_readiness_probe_latency_seconds"), greaterThan(0.0));
    }

    @Test
    void anUnconfiguredServiceShowsItsPhaseAndCountsTheRefusedSetup() {
        start(Map.of("POSTGRES_EMBEDDED", "false"), Path.of("migrations"), Map.of());
        PrometheusText before = scrape();
        assertPhase(before, "UNCONFIGURED");
        assertThat("no pool without a database", before.all("hikaricp_connections_max"), is(empty()));

        assertThat(service.setup().status(), is(400));
        assertThat(delta(before, scrape(), "deploystack_setup_attempts_total", "outcome", "not_configured"), is(1.0));
        assertThat(service.get("/observe/info").status(), is(200));
    }

    @Test
    void requestsAreMeteredByRouteTemplateNeverByTheRawPath() {
        start(Map.of());
        assertThat(service.setup().status(), is(200));
        String id = UUID.randomUUID().toString();
        PrometheusText before = scrape();

        for (int i = 0; i < 3; i++) {
            assertThat(service.get("/api/db/status").status(), is(200));
        }
        assertThat(service.request("GET", "/api/teams/" + id, null, AUTH).status(), is(404));
        assertThat(service.get("/no/such/" + id).status(), is(404));
        assertThat(service.request("BREW", "/api/db/status/" + id, null).status(), greaterThanOrEqualTo(400));
        PrometheusText after = scrape();

        assertThat(delta(before, after, "deploystack_http_requests_seconds_count", "route", "/api/db/status",
                         "method", "GET", "status", "2xx"), is(3.0));
        assertThat(delta(before, after, "deploystack_http_requests_seconds_count", "route", "/api/teams/{id}",
                         "method", "GET", "status", "4xx"), is(1.0));
        assertThat(delta(before, after, "deploystack_http_requests_seconds_count", "route", "unmatched",
                         "method", "GET", "status", "4xx"), is(1.0));
        assertThat(delta(before, after, "deploystack_http_requests_seconds_count", "route", "unmatched",
                         "method", "other", "status", "4xx"), is(1.0));
        assertThat("latency buckets for histogram_quantile",
                   after.value("deploystack_http_requests_seconds_bucket", "route", "/api/db/status", "method", "GET",
                               "status", "2xx", "le", "+Inf"), greaterThanOrEqualTo(3.0));
        List<String> values = after.samples().stream().flatMap(sample -> sample.labels().values().stream()).toList();
        assertThat("no label carries a raw path or an id", values, everyItem(not(containsString(id))));
        List<String> routes = after.all("deploystack_http_requests_seconds_count").stream()
                .map(sample -> sample.label("route")).distinct().toList();
        assertThat(routes, everyItem(not(containsString("/no/such"))));
    }

    @Test
    void authenticationFailuresAreCountedByRouteFamily() {
        database = TestPostgres.get().createDatabase("metrics");
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("DEPLOYSTACK_SETUP_TOKEN", "metrics-test-setup-token");
        start(env, Path.of("migrations"), Map.of());
        PrometheusText before = scrape();

        assertThat(service.setup().status(), is(401));
        assertThat(service.request("POST", "/api/db/setup", "{\"type\":\"postgresql\"}", "Authorization",
                                   "Bearer metrics-test-setup-token").status(), is(200));
        assertThat(service.get("/api/teams/some-id").status(), is(401));
        assertThat(service.request("GET", "/api/projects", null, "Authorization", "Bearer wrong").status(), is(401));
        assertThat(service.get("/api/settings").status(), is(401));
        assertThat(service.get("/api/plugin/audit/events").status(), is(401));
        assertThat(service.request("GET", "/api/projects", null, AUTH).status(), is(200));
        PrometheusText after = scrape();

        assertThat(delta(before, after, "deploystack_auth_failures_total", "family", "setup"), is(1.0));
        assertThat(delta(before, after, "deploystack_auth_failures_total", "family", "management"), is(2.0));
        assertThat(delta(before, after, "deploystack_auth_failures_total", "family", "settings"), is(1.0));
        assertThat(delta(before, after, "deploystack_auth_failures_total", "family", "plugins"), is(1.0));
    }

    @Test
    void poolMetersShowAPoolWhoseEveryConnectionIsHeld() throws Exception {
        // no job workers: only this test's connections and requests use the pool
        start(Map.of("db.pool.size", "2", "db.pool.idle", "0", "db.timeout.connect", "1000", "jobs.workers", "0"));
        assertThat(service.setup().status(), is(200));
        DataSource pool = service.application().database().dataSource().orElseThrow();
        PrometheusText before = scrape();
        List<Connection> held = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try {
            held.add(pool.getConnection());
            held.add(pool.getConnection());
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            List<Future<List<Integer>>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(clients.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    while (System.nanoTime() < until) {
                        statuses.add(service.request("GET", "/api/projects", null, AUTH).status());
                    }
                    return statuses;
                }));
            }
            // HikariCP refreshes the figures its gauges read at most once a second: wait for the saturated picture
            PrometheusText saturated = awaitScrape(metrics -> metrics.value("hikaricp_connections_pending", "pool",
                                                                             "deploystack") >= 1
                                                              && metrics.value("hikaricp_connections_active", "pool",
                                                                               "deploystack") == 2);
            assertThat(saturated.value("hikaricp_connections_max", "pool", "deploystack"), is(2.0));
            assertThat(saturated.value("hikaricp_connections_idle", "pool", "deploystack"), is(0.0));
            for (Future<List<Integer>> answer : answers) {
                assertThat(answer.get(), everyItem(is(503)));
            }
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
            clients.shutdownNow();
        }
        PrometheusText after = scrape();
        assertThat(delta(before, after, "hikaricp_connections_timeout_total", "pool", "deploystack"),
                   greaterThanOrEqualTo(3.0));
        assertThat("the two connections the test held",
                   delta(before, after, "hikaricp_connections_acquire_seconds_count", "pool", "deploystack"),
                   greaterThanOrEqualTo(2.0));
        awaitScrape(metrics -> metrics.value("hikaricp_connections_active", "pool", "deploystack") == 0
                               && metrics.value("hikaricp_connections_pending", "pool", "deploystack") == 0);
    }

    @Test
    void theSettingsCacheHitRatioFollowsTypedReads() {
        start(Map.of());
        assertThat(service.setup().status(), is(200));
        PrometheusText before = scrape();
        for (int i = 0; i < 4; i++) {
            assertThat(service.application().settings().getString("global.page_url"), is("http://localhost:5173"));
        }
        PrometheusText after = scrape();

        double hits = after.value("deploystack_settings_cache_lookups_total", "result", "hit");
        double misses = after.value("deploystack_settings_cache_lookups_total", "result", "miss");
        assertThat(hits - before.value("deploystack_settings_cache_lookups_total", "result", "hit")
                   + misses - before.value("deploystack_settings_cache_lookups_total", "result", "miss"), is(4.0));
        assertThat(hits, greaterThanOrEqualTo(3.0));
        assertThat(after.value("deploystack_settings_cache_hit_ratio"), is(hits / (hits + misses)));
    }

    @Test
    void aFailingMigrationIsCountedWithItsScriptAndTheFailedSetup(@TempDir Path repository) {
        ScriptRepository scripts = ScriptRepository.copyOfProject(repository);
        scripts.write("20990101000000_broken.sql", "SELECT * FROM no_such_table;", "SELECT 1;");
        database = TestPostgres.get().createDatabase("metrics");
        start(TestPostgres.get().environment(database), scripts.root(), Map.of());
        service.awaitSetupPerformed(false, Duration.ofSeconds(30));
        PrometheusText before = scrape();

        assertThat(service.setup().status(), is(500));
        PrometheusText after = scrape();

        assertThat(delta(before, after, "deploystack_migration_failures_total", "script", "20990101000000_broken.sql"),
                   is(1.0));
        assertThat(delta(before, after, "deploystack_setup_attempts_total", "outcome", "failed"), is(1.0));
        assertPhase(after, "FAILED");
    }

    @Test
    void infoSaysWhatRunsAndNothingSecret() throws IOException {
        start(Map.of());
        service.awaitSetupPerformed(false, Duration.ofSeconds(30));
        TestService.Response before = service.get("/observe/info");
        assertThat(before.status(), is(200));
        assertThat(before.contentType(), startsWith("application/json"));
        JsonObject info = before.json();
        BuildInfo build = BuildInfo.load();
        assertThat(info.getString("version"), is(build.version()));
        assertThat(info.getString("build_time"), is(build.buildTime()));
        assertThat(info.getString("commit"), is(build.commit()));
        assertThat(info.getJsonObject("java").getString("version"), is(Runtime.version().toString()));
        assertThat(info.isNull("schema_version"), is(true));
        assertThat(info.getJsonArray("plugins").getJsonObject(0).getString("id"), is("audit"));
        assertThat(info.getJsonArray("plugins").getJsonObject(0).getString("version"), not(""));

        assertThat(service.setup().status(), is(200));
        TestService.Response after = service.get("/observe/info");
        List<String> scripts = scriptNames(Path.of("migrations"));
        assertThat(after.json().getString("schema_version"), is(scripts.getLast().substring(0, 14)));
        for (String secret : List.of(TestPostgres.PASSWORD, TOKEN, database, data.toString(), "127.0.0.1", "localhost",
                                     InetAddress.getLocalHost().getHostName())) {
            assertThat(after.body(), not(containsString(secret)));
        }
    }

    @Test
    void theSwitchPutsMetricsAndInfoBehindTheAdminTokenAndLeavesHealthOpen() {
        start(Map.of("observe.protected", "true"));
        for (String path : List.of("/observe/metrics", "/observe/metrics/application", "/observe/info")) {
            TestService.Response refused = service.get(path);
            assertThat(path, refused.status(), is(401));
            assertThat(refused.json().getString("error"), containsString("admin token"));
            assertThat(service.request("GET", path, null, "Authorization", "Bearer wrong").status(), is(401));
            assertThat(service.request("GET", path, null, AUTH).status(), is(200));
        }
        assertThat(service.get("/observe/health/live").status(), is(200));
        assertThat(scrape(AUTH).value("deploystack_auth_failures_total", "family", "observe"),
                   greaterThanOrEqualTo(6.0));
    }

    @Test
    void metricsCanBeTurnedOffAndInfoStays() {
        start(Map.of("observe.metrics", "false"));
        assertThat(service.get("/observe/metrics").status(), is(404));
        assertThat(service.get("/observe/info").status(), is(200));
    }

    @Test
    void metricsAndInfoAnswerWhilePostgresIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        start(Map.of("POSTGRES_HOST", "127.0.0.1", "POSTGRES_PORT", Integer.toString(closedPort),
                     "POSTGRES_PASSWORD", "unused"), Path.of("migrations"), Map.of("db.timeout.connect", "10000"));
        long started = System.nanoTime();
        PrometheusText before = scrape();
        assertThat("the scrape waits for no connection", System.nanoTime() - started,
                   is(lessThan(Duration.ofSeconds(3).toNanos())));
        assertPhase(before, "CONFIGURED");
        assertThat(before.value("deploystack_ready"), is(0.0));
        assertThat(before.value("hikaricp_connections_active", "pool", "deploystack"), is(0.0));

        assertThat(service.setup().status(), is(503));
        assertThat(delta(before, scrape(), "deploystack_setup_attempts_total", "outcome", "unreachable"), is(1.0));
        TestService.Response info = service.get("/observe/info");
        assertThat(info.status(), is(200));
        assertThat(info.json().isNull("schema_version"), is(true));
    }

    private static void assertPhase(PrometheusText metrics, String current) {
        assertThat(metrics.all("deploystack_phase").size(), is(PHASES.size()));
        for (String phase : PHASES) {
            assertThat(phase, metrics.value("deploystack_phase", "phase", phase),
                       is(phase.equals(current) ? 1.0 : 0.0));
        }
    }

    private static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    private PrometheusText awaitScrape(Predicate<PrometheusText> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        PrometheusText metrics = scrape();
        while (!condition.test(metrics)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the metrics did not show what was awaited within 10 s");
            }
            TestService.sleep(100);
            metrics = scrape();
        }
        return metrics;
    }

    private static List<String> scriptNames(Path repository) throws IOException {
        try (Stream<Path> files = Files.list(repository.resolve("scripts"))) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".sql")).sorted()
                    .toList();
        }
    }
}
