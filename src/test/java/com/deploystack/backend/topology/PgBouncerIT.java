package com.deploystack.backend.topology;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.deploystack.backend.support.Neighbour;
import com.deploystack.backend.support.ReadmeSnippets;
import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * The packaged jar behind Debian's real PgBouncer 1.18, in transaction and in session pooling, as README's
 * "Through PgBouncer" section configures it: three replicas converge on one setup, a load of parameterized
 * requests answers without a single error, the audit plugin's own role logs in through {@code auth_query}; and a
 * plugin role PgBouncer does not know makes setup ask for a restart at once, naming the plugin.
 */
@Tag("neighbour")
class PgBouncerIT {

    private static final String TOKEN = "pgbouncer-test-admin-token";
    private static final Duration START = Duration.ofSeconds(60);
    private static final int WORKERS = 6;
    private static final int REQUESTS_PER_WORKER = 300;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;
    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable process : running.reversed()) {
            process.close();
        }
    }

    @ParameterizedTest(name = "pool_mode = {0}")
    @ValueSource(strings = {"transaction", "session"})
    void threeReplicasSetUpOnceAndServeALoadWithoutAnError(String poolMode) throws Exception {
        int port = Neighbour.freePort();
        running.add(Neighbour.pgbouncer(readmeConfig(port).replace("pool_mode = transaction", "pool_mode = " + poolMode),
                                        users(), port));
        String database = TestPostgres.get().createDatabase("bouncer_" + poolMode);
        Map<String, String> env = environment(database, port);
        List<ServiceProcess> replicas = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replicas.add(start("replica-" + poolMode + "-" + i, env));
        }
        for (ServiceProcess replica : replicas) {
            awaitBody(replica, "/api/db/status", "\"setup_performed\":false");
        }
        HttpResponse<String> setup = replicas.getFirst().setup();
        assertThat(setup.body(), setup.statusCode(), is(200));
        assertThat(setup.body(), containsString("\"restart_required\":false"));
        for (ServiceProcess replica : replicas) {
            awaitBody(replica, "/api/db/status", "\"initialized\":true");
            assertThat(replica.get("/api/db/status").body(), containsString("\"unavailable\":{}"));
        }

        Map<String, Integer> failures = load(replicas);
        System.out.printf("[pgbouncer %s] %d requests through 3 replicas, failures: %s%n", poolMode,
                          WORKERS * REQUESTS_PER_WORKER * 3, failures);
        assertThat("requests that did not answer 2xx, by status", failures, is(Map.of()));

        assertThat("the audit plugin recorded setup through PgBouncer under its own role, once",
                   TestPostgres.get().queryValue(database, "SELECT count(*) || ' by ' || string_agg(DISTINCT"
                                                           + " pg_get_userbyid(c.relowner), ',') FROM audit_events,"
                                                           + " pg_class c WHERE c.relname = 'audit_events'"
                                                           + " AND event = 'database.setup'"),
                   containsString("1 by dsp_"));
        for (ServiceProcess replica : replicas) {
            assertThat(replica.output(), not(containsString("prepared statement")));
            assertThat(replica.output(), not(containsString("was not delivered")));
        }
    }

    @Test
    void aPluginRolePgBouncerDoesNotKnowMakesSetupAskForARestartAtOnceNamingThePlugin() throws Exception {
        int port = Neighbour.freePort();
        running.add(Neighbour.pgbouncer(withoutAuthQuery(readmeConfig(port)), users(), port));
        ServiceProcess replica = start("unknown-role",
                                       environment(TestPostgres.get().createDatabase("bouncer_unknown_role"), port));
        awaitBody(replica, "/api/db/status", "\"setup_performed\":false");

        long started = System.nanoTime();
        HttpResponse<String> setup = replica.setup();
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(setup.body(), setup.statusCode(), is(200));
        assertThat(setup.body(), containsString("\"restart_required\":true"));
        assertThat("answered without waiting for the plugin pool's connection timeout (5 s)", millis, lessThan(5000L));

        String status = replica.get("/api/db/status").body();
        assertThat(status, containsString("\"initialized\":true"));
        assertThat(status, containsString("\"unavailable\":{\"audit\":\"the login of its role dsp_"));
        assertThat(status, containsString("auth_file"));
        String log = replica.output();
        assertThat(log, containsString("Plugin audit: the login of its role dsp_"));
        assertThat("the setup event the plugin could not take is logged, not lost", log,
                   containsString("Event database.setup was not delivered to plugin audit"));
        assertThat("the core still works through PgBouncer",
                   send(replica, "GET", "/api/settings/global.page_url", null).statusCode(), is(200));
    }

    @Test
    void anAuthFileWithThePluginRoleLinePrintedByTheReadmesCommandLetsThePluginIn() throws Exception {
        int port = Neighbour.freePort();
        String database = TestPostgres.get().createDatabase("bouncer_auth_file");
        Map<String, String> env = environment(database, port);
        String pluginLine = new String(run(env));
        assertThat(pluginLine, containsString("\"dsp_"));
        running.add(Neighbour.pgbouncer(withoutAuthQuery(readmeConfig(port)), users() + pluginLine, port));
        ServiceProcess replica = start("auth-file", env);
        awaitBody(replica, "/api/db/status", "\"setup_performed\":false");
        HttpResponse<String> setup = replica.setup();
        assertThat(setup.body(), setup.statusCode(), is(200));
        assertThat(setup.body(), containsString("\"restart_required\":false"));
        assertThat(replica.get("/api/db/status").body(), containsString("\"unavailable\":{}"));
        assertThat(TestPostgres.get().queryCount(database, "SELECT count(*) FROM audit_events"
                                                           + " WHERE event = 'database.setup'"), is(1L));
    }

    /** README's PgBouncer configuration with the test's addresses: PostgreSQL, the port, the auth file, the admin. */
    private static String readmeConfig(int port) {
        return ReadmeSnippets.withAddresses(ReadmeSnippets.get("pgbouncer"),
                "deploystack = host=db.internal port=5432",
                "* = host=" + TestPostgres.get().host() + " port=" + TestPostgres.get().port(),
                "listen_addr = 0.0.0.0", "listen_addr = 127.0.0.1",
                "listen_port = 6432", "listen_port = " + port,
                "/etc/pgbouncer/userlist.txt", "AUTH_FILE",
                "auth_user = deploystack", "auth_user = postgres");
    }

    private static String withoutAuthQuery(String config) {
        return config.replaceAll("(?m)^auth_(user|query) = .*\n", "");
    }

    /** The README's userlist command's output, run with the service's {@code POSTGRES_*} variables. */
    private static byte[] run(Map<String, String> env) throws Exception {
        ProcessBuilder command = new ProcessBuilder("bash", "-c", ReadmeSnippets.get("pgbouncer-userlist"))
                .redirectErrorStream(true);
        command.environment().putAll(env);
        Process process = command.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(new String(output), process.waitFor(), is(0));
        return output;
    }

    private static String users() {
        return "\"postgres\" \"" + TestPostgres.PASSWORD + "\"\n";
    }

    private Map<String, String> environment(String database, int bouncerPort) {
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("POSTGRES_HOST", "127.0.0.1");
        env.put("POSTGRES_PORT", Integer.toString(bouncerPort));
        env.put("POSTGRES_PGBOUNCER", "true");
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        env.put("DEPLOYSTACK_ENCRYPTION_SECRET", "pgbouncer-replicas-share-this-secret-0123");
        env.put("HTTP_DRAIN", "0");
        return env;
    }

    private ServiceProcess start(String name, Map<String, String> env) {
        ServiceProcess replica = ServiceProcess.start(env, work.resolve(name)).awaitHttp(START);
        running.add(replica);
        return replica;
    }

    /**
     * {@link #WORKERS} clients, each sending {@link #REQUESTS_PER_WORKER} rounds of parameterized statements (create
     * a team, read it back, read and write a setting) to the replicas in turn; the statuses that were not 2xx.
     */
    private static Map<String, Integer> load(List<ServiceProcess> replicas) throws Exception {
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        AtomicInteger teams = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(WORKERS)) {
            List<Future<?>> done = new ArrayList<>();
            for (int worker = 0; worker < WORKERS; worker++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < REQUESTS_PER_WORKER; i++) {
                        ServiceProcess replica = replicas.get(i % replicas.size());
                        int n = teams.incrementAndGet();
                        HttpResponse<String> created = send(replica, "POST", "/api/teams",
                                                            "{\"name\":\"Team " + n + "\",\"slug\":\"team-" + n + "\"}");
                        count(failures, "POST /api/teams", created);
                        String id = created.body().replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
                        count(failures, "GET /api/teams/{id}", send(replicas.get((i + 1) % replicas.size()), "GET",
                                                                     "/api/teams/" + id, null));
                        count(failures, "PUT /api/settings/{key}", send(replica, "PUT", "/api/settings/global.page_url",
                                "{\"value\":\"https://example.test/" + n + "\"}"));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        return failures;
    }

    private static void count(Map<String, Integer> failures, String what, HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            failures.merge(what + " " + response.statusCode() + " " + response.body(), 1, Integer::sum);
        }
    }

    private static HttpResponse<String> send(ServiceProcess replica, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    private static void awaitBody(ServiceProcess replica, String path, String expected) {
        long deadline = System.nanoTime() + START.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = replica.get(path).body();
            if (body.contains(expected)) {
                return;
            }
            TestService.sleep(50);
        }
        throw new AssertionError(path + " never had " + expected + ", last: " + body + "\n" + replica.output());
    }
}
