package com.deploystack.backend.replicas;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.HashMap;
import java.util.function.BooleanSupplier;

import com.deploystack.backend.support.StreamingReplica;
import com.deploystack.backend.support.TestService;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

/**
 * A real streaming replica (Debian's PostgreSQL 15, {@code pg_basebackup -R}) of a primary of the test's own: which
 * server answered each read route (a row written on the primary while the replica's replay is paused is missing on
 * the replica only), read-your-writes with {@code X-DeployStack-LSN}, the lag bound, a stopped replica skipped and
 * used again, degraded readiness, and the primary down.
 */
@Tag("neighbour")
@Timeout(240)
class ReadReplicaTest {

    private static final String TOKEN = "replica-admin-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Generous, so that the reads a test sends while replay is paused reach the replica on a slow machine too. */
    private static final Duration MAX_LAG = Duration.ofSeconds(10);
    /** The bound of the one test that lets the replica fall behind it. */
    private static final Duration SHORT_LAG = Duration.ofMillis(3000);
    /** Checks 100 ms apart: a replica that stops answering is skipped within one interval and a check's timeout. */
    private static final Map<String, String> CONFIG = Map.of("health.probe.cache", "100", "db.timeout.connect", "2000",
                                                             "db.read.wait", "500", "db.read.interval", "100");

    @TempDir
    Path data;
    private StreamingReplica servers;
    private TestService service;

    private record Answer(int status, String body, HttpResponse<String> raw) {
        JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }

        String lsn() {
            return raw.headers().firstValue("X-DeployStack-LSN").orElse("");
        }
    }

    @BeforeEach
    void start() {
        servers = StreamingReplica.start();
        service = TestService.start(env(MAX_LAG), data, Path.of("migrations"), CONFIG);
        assertThat(service.setup().status(), is(200));
        awaitReplica("up", Duration.ofSeconds(10));
        awaitCaughtUp();
    }

    private Map<String, String> env(Duration maxLag) {
        Map<String, String> env = new HashMap<>(servers.environment());
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        env.put("POSTGRES_READ_MAX_LAG", maxLag.toMillis() + "ms");
        env.put("DEPLOYSTACK_ENCRYPTION_SECRET", "replica-test-encryption-secret-0123");
        return env;
    }

    /** The replica has replayed everything the primary has written so far (setup included). */
    private void awaitCaughtUp() {
        awaitTrue(() -> {
            try (Connection primary = servers.primary(); Statement position = primary.createStatement();
                 ResultSet written = position.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                written.next();
                try (Connection replica = servers.replica();
                     PreparedStatement replayed = replica.prepareStatement(
                             "SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
                    replayed.setString(1, written.getString(1));
                    try (ResultSet row = replayed.executeQuery()) {
                        return row.next() && row.getBoolean(1);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(10));
        // and serves reads (the service has seen it replay past the setup)
        long before = replicaReads();
        awaitTrue(() -> get("/api/projects", "").status() == 200 && replicaReads() > before, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void eachReadRouteIsServedByTheReplicaWithinTheLagBound() throws SQLException {
        servers.pauseReplay();
        String team = insertOnPrimary("INSERT INTO teams (name, slug) VALUES ('Hidden', 'hidden') RETURNING id");
        String project = insertOnPrimary("INSERT INTO projects (name) VALUES ('hidden project') RETURNING name");
        insertOnPrimary("INSERT INTO mcp_servers (name, slug, description) VALUES ('Zebra', 'zebra', 'stripes')"
                        + " RETURNING id");
        insertOnPrimary("UPDATE global_settings SET value = 'changed.example' WHERE key = 'smtp.host' RETURNING key");
        long before = replicaReads();
        // the replica has not replayed these rows: only the replica can answer "not there"
        assertThat(get("/api/teams/" + team, "").status(), is(404));
        assertThat(get("/api/teams/" + team + "/mcp/installations", "").status(), is(404));
        assertThat(get("/api/projects", "").body(), not(containsString(project)));
        assertThat(get("/api/mcp/servers?q=zebra", "").json().getJsonArray("data").size(), is(0));
        assertThat(get("/api/settings/smtp.host", "").body(), not(containsString("changed.example")));
        assertThat(get("/api/settings", "").body(), not(containsString("changed.example")));
        assertThat(get("/api/settings/group/smtp", "").body(), not(containsString("changed.example")));
        assertThat(replicaReads(), is(before + 7));
        // the primary sees them: it is on the replica, not on the primary, that they are missing
        try (Connection replica = servers.replica(); Statement statement = replica.createStatement();
             ResultSet row = statement.executeQuery("SELECT pg_is_in_recovery(), count(*) FROM teams WHERE id = '"
                                                    + team + "'")) {
            row.next();
            assertThat(row.getBoolean(1), is(true));
            assertThat(row.getLong(2), is(0L));
        }
        servers.resumeReplay();
        // replay applies the four writes in order: once the last one shows, the earlier ones must too
        awaitTrue(() -> get("/api/settings/smtp.host", "").body().contains("changed.example"), Duration.ofSeconds(5));
        assertThat(get("/api/teams/" + team, "").status(), is(200));
        assertThat(get("/api/mcp/servers?q=zebra", "").json().getJsonArray("data").size(), is(1));
    }

    @Test
    void aReadWithTheLsnOfAWriteSeesItEvenWithReplayPaused() {
        servers.pauseReplay();
        Answer created = send("POST", "/api/teams", "{\"name\":\"Mine\"}", "");
        assertThat(created.status(), is(201));
        assertThat(created.lsn(), matchesPattern("[0-9A-F]+/[0-9A-F]+"));
        String id = created.json().getJsonObject("data").getString("id");
        long before = replicaReads();
        long started = System.nanoTime();
        Answer read = get("/api/teams/" + id, created.lsn());
        long waited = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(read.body(), read.status(), is(200));
        assertThat(replicaReads(), is(before));
        assertThat("the bounded wait (db.read.wait 500 ms), then the primary", waited, lessThan(2000L));
        // without the header, within the lag bound, the replica answers: it has not seen the write
        assertThat(get("/api/teams/" + id, "").status(), is(404));
        // replay resumes: the replica has the write, and serves the read with the header itself
        servers.resumeReplay();
        awaitTrue(() -> get("/api/teams/" + id, "").status() == 200, Duration.ofSeconds(5));
        long replicaBefore = replicaReads();
        assertThat(get("/api/teams/" + id, created.lsn()).status(), is(200));
        assertThat(replicaReads(), is(replicaBefore + 1));
        // a malformed header is ignored: the read is served under the lag bound
        assertThat(get("/api/teams/" + id, "not-an-lsn").status(), is(200));
    }

    @Test
    void aReplicaBeyondTheLagBoundIsSkipped() throws SQLException {
        service.close();
        service = TestService.start(env(SHORT_LAG), data, Path.of("migrations"), CONFIG);
        service.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
        awaitReplica("up", Duration.ofSeconds(10));
        awaitCaughtUp();
        servers.pauseReplay();
        String team = insertOnPrimary("INSERT INTO teams (name, slug) VALUES ('Late', 'late') RETURNING id");
        assertThat(get("/api/teams/" + team, "").status(), is(404));
        // keep the primary writing so that the replica falls further behind
        long deadline = System.nanoTime() + SHORT_LAG.plusMillis(1500).toNanos();
        while (System.nanoTime() < deadline) {
            insertOnPrimary("INSERT INTO projects (name) VALUES ('tick') RETURNING id");
            TestService.sleep(100);
        }
        JsonObject replica = replicaStatus();
        assertThat(replica.toString(), replica.getJsonNumber("lag_ms").longValue(), greaterThan(SHORT_LAG.toMillis()));
        assertThat(replica.getBoolean("serves_reads"), is(false));
        long before = replicaReads();
        assertThat(get("/api/teams/" + team, "").status(), is(200));
        assertThat(replicaReads(), is(before));
        servers.resumeReplay();
        awaitTrue(() -> replicaStatus().getBoolean("serves_reads"), Duration.ofSeconds(5));
        get("/api/teams/" + team, "");
        assertThat(replicaReads(), is(before + 1));
    }

    @Test
    void aStoppedReplicaIsSkippedWithinASecondAndUsedAgainAfterItRestarts() throws SQLException {
        String team = send("POST", "/api/teams", "{\"name\":\"Kept\"}", "").json().getJsonObject("data").getString("id");
        awaitTrue(() -> get("/api/teams/" + team, "").status() == 200, Duration.ofSeconds(5));
        servers.stopReplica();
        long stopped = System.nanoTime();
        awaitReplica("down", Duration.ofSeconds(3));
        assertThat("skipped within a second", Duration.ofNanos(System.nanoTime() - stopped).toMillis(),
                   lessThan(1000L));
        long before = replicaReads();
        for (int i = 0; i < 5; i++) {
            Answer read = get("/api/teams/" + team, "");
            assertThat(read.status(), is(200));
        }
        assertThat(replicaReads(), is(before));
        Answer ready = get("/observe/health/ready", "");
        assertThat(ready.body(), ready.status(), is(200));
        assertThat(ready.body(), containsString("degraded"));
        assertThat(service.status().getJsonObject("read_replicas").getString("reads"), containsString("degraded"));
        assertThat(ready.body(), not(containsString(Integer.toString(servers.replicaPort()))));

        servers.startReplica();
        awaitReplica("up", Duration.ofSeconds(10));
        awaitTrue(() -> replicaStatus().getBoolean("serves_reads"), Duration.ofSeconds(5));
        assertThat(get("/api/teams/" + team, "").status(), is(200));
        assertThat(replicaReads(), is(before + 1));
        assertThat(get("/observe/health/ready", "").body(), not(containsString("degraded")));
    }

    @Test
    void aFrozenReplicaIsSkippedWithinASecondAndUsedAgainOnceItAnswers() {
        String team = send("POST", "/api/teams", "{\"name\":\"Cold\"}", "").json().getJsonObject("data").getString("id");
        awaitTrue(() -> get("/api/teams/" + team, "").status() == 200, Duration.ofSeconds(5));
        servers.freezeReplica();
        long frozen = System.nanoTime();
        awaitReplica("down", Duration.ofSeconds(3));
        assertThat("skipped within a second", Duration.ofNanos(System.nanoTime() - frozen).toMillis(),
                   lessThan(1000L));
        long before = replicaReads();
        long started = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(get("/api/teams/" + team, "").status(), is(200));
        }
        assertThat("the primary answers at once", Duration.ofNanos(System.nanoTime() - started).toMillis(),
                   lessThan(2000L));
        assertThat(replicaReads(), is(before));
        assertThat(get("/observe/health/ready", "").body(), containsString("degraded"));

        servers.thawReplica();
        awaitReplica("up", Duration.ofSeconds(10));
        awaitTrue(() -> replicaStatus().getBoolean("serves_reads"), Duration.ofSeconds(5));
        assertThat(get("/api/teams/" + team, "").status(), is(200));
        assertThat(replicaReads(), is(before + 1));
    }

    @Test
    void aPluginsListingIsServedByTheReplicaUnderThePluginsRole() throws SQLException {
        service.close();
        // the audit plugin on the installation: its role and table are created at this start, then replayed
        service = TestService.start(env(MAX_LAG), data, Path.of("migrations"),
                                    Map.of("plugins.enabled", "audit", "health.probe.cache", "100"));
        service.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
        awaitReplica("up", Duration.ofSeconds(10));
        awaitCaughtUp();
        assertThat(get("/api/plugin/audit/events", "").status(), is(200));

        servers.pauseReplay();
        insertOnPrimary("INSERT INTO audit_events (event) VALUES ('hidden.on.the.replica') RETURNING id::text");
        long before = replicaReads();
        Answer events = get("/api/plugin/audit/events", "");
        assertThat(events.body(), events.status(), is(200));
        assertThat("the replica has not replayed the event", events.body(), not(containsString("hidden.on.the.replica")));
        assertThat(replicaReads(), is(before + 1));
        try (Connection replica = servers.replica(); Statement statement = replica.createStatement();
             ResultSet row = statement.executeQuery("SELECT usename FROM pg_stat_activity WHERE usename LIKE 'dsp_%'")) {
            assertThat("the read logged in to the replica as the plugin's own role", row.next(), is(true));
        }
        servers.resumeReplay();
        awaitTrue(() -> get("/api/plugin/audit/events", "").body().contains("hidden.on.the.replica"), Duration.ofSeconds(5));
    }

    @Test
    void aReadThatAReplicaFailsBeforeItsCheckNoticedIsAnsweredByThePrimary() {
        service.close();
        // checks 5 s apart: the replica stops between two of them and is still "up" for the reads
        service = TestService.start(env(MAX_LAG), data, Path.of("migrations"), Map.of("db.read.interval", "5000"));
        service.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
        String team = send("POST", "/api/teams", "{\"name\":\"Gone\"}", "").json().getJsonObject("data")
                .getString("id");
        awaitTrue(() -> {
            long before = replicaReads();
            return get("/api/teams/" + team, "").status() == 200 && replicaReads() == before + 1;
        }, Duration.ofSeconds(15));
        servers.stopReplica();
        for (int i = 0; i < 3; i++) {
            long readsBefore = replicaReads();
            long failoversBefore = failovers();
            Answer read = get("/api/teams/" + team, "");
            assertThat(read.body(), read.status(), is(200));
            if (replicaReads() == readsBefore + 1) {
                // routed to the stopped replica before a check noticed: the primary answered it instead
                assertThat(failovers(), greaterThan(failoversBefore));
            }
        }
    }

    @Test
    void thePrimaryDownAnswers503ToWritesAndTurnsReadinessDown() {
        servers.stopPrimary();
        long started = System.nanoTime();
        Answer write = send("POST", "/api/teams", "{\"name\":\"Nowhere\"}", "");
        assertThat(write.body(), write.status(), is(503));
        assertThat(write.body(), not(containsString("Exception")));
        assertThat(Duration.ofNanos(System.nanoTime() - started).toMillis(), lessThan(10_000L));
        awaitTrue(() -> get("/observe/health/ready", "").status() == 503, Duration.ofSeconds(5));
        servers.startPrimaryAgain();
        awaitTrue(() -> get("/observe/health/ready", "").status() == 200, Duration.ofSeconds(15));
        // the pool drops the connections the restart broke as it meets them: writes answer again without a restart
        awaitTrue(() -> send("POST", "/api/teams", "{\"name\":\"Back\"}", "").status() == 201,
                  Duration.ofSeconds(10));
    }

    private String insertOnPrimary(String sql) throws SQLException {
        try (Connection primary = servers.primary(); PreparedStatement statement = primary.prepareStatement(sql);
             ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getString(1);
        }
    }

    private static long failovers() {
        return TestService.logs().stream()
                .filter(line -> line.contains("A read replica failed a read; the primary answers it")).count();
    }

    private JsonObject replicaStatus() {
        return service.status().getJsonObject("read_replicas").getJsonArray("replicas").getJsonObject(0);
    }

    private long replicaReads() {
        return replicaStatus().getJsonNumber("reads").longValue();
    }

    private void awaitReplica(String state, Duration timeout) {
        awaitTrue(() -> replicaStatus().getString("state").equals(state), timeout);
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout);
            }
            TestService.sleep(20);
        }
    }

    private Answer get(String path, String lsn) {
        return send("GET", path, null, lsn);
    }

    private Answer send(String method, String path, String json, String lsn) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.application().port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (!lsn.isEmpty()) {
            request.header("X-DeployStack-LSN", lsn);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
