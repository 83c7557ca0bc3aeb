package com.deploystack.backend.topology;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.deploystack.backend.support.Neighbour;
import com.deploystack.backend.support.ReadmeSnippets;
import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.StoppablePostgres;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * Debian's HAProxy in front of the packaged jar, configured as README.md says: its default HTTP/1.0 health check
 * on {@code /observe/health/ready}, the wizard reachable before setup, and rolling restarts under load.
 */
@Tag("neighbour")
class HaProxyIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "haproxy-admin-token-0123456789";

    @TempDir
    Path work;

    @Test
    void theDefaultHealthCheckMarksTheReplicaUpAfterSetupAndDownWhilePostgresIsStopped() throws Exception {
        try (StoppablePostgres postgres = new StoppablePostgres();
             ServiceProcess replica = ServiceProcess.start(postgres.environment(), work.resolve("data"))) {
            replica.awaitHttp(WAIT);
            Proxy proxy = Proxy.start(work, Neighbour.freePort(), replica.port());
            try (proxy.haproxy) {
                proxy.awaitServer("deploystack", "replica1", "DOWN");
                assertThat("the wizard is reachable through the proxy before setup",
                           proxy.get("/setup").statusCode(), is(200));

                HttpResponse<String> setup = proxy.post("/api/db/setup", "{\"type\":\"postgresql\"}");

                assertThat(setup.body(), setup.statusCode(), is(200));
                proxy.awaitServer("deploystack", "replica1", "UP");
                assertThat(proxy.get("/api/db/status").body(), containsString("\"initialized\":true"));

                postgres.stop();
                proxy.awaitServer("deploystack", "replica1", "DOWN");
                postgres.start();
                proxy.awaitServer("deploystack", "replica1", "UP");
            }
        }
    }

    @Test
    void aRollingRestartOfTwoReplicasUnderSteadyLoadLosesNoRequest() throws Exception {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("rolling")));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        env.put("DEPLOYSTACK_ENCRYPTION_SECRET", "rolling-restart-shared-secret-0123456789");
        int[] ports = {Neighbour.freePort(), Neighbour.freePort()};
        ServiceProcess[] replicas = new ServiceProcess[2];
        replicas[0] = ServiceProcess.start(env, work.resolve("data1"), ports[0]).awaitHttp(WAIT);
        assertThat(replicas[0].setup().statusCode(), is(200));
        replicas[1] = ServiceProcess.start(env, work.resolve("data2"), ports[1]).awaitHttp(WAIT);
        Proxy proxy = Proxy.start(work, Neighbour.freePort(), ports);
        Load load = new Load(proxy);
        try (proxy.haproxy) {
            proxy.awaitServer("deploystack", "replica1", "UP");
            proxy.awaitServer("deploystack", "replica2", "UP");
            load.start();
            TestService.sleep(1000);
            for (int i = 0; i < 2; i++) {
                int sent = load.sent.get();
                replicas[i].terminate(Duration.ofSeconds(30));
                replicas[i] = ServiceProcess.start(env, work.resolve("data" + (i + 1)), ports[i]).awaitHttp(WAIT);
                proxy.awaitServer("deploystack", "replica" + (i + 1), "UP");
                assertThat("requests kept flowing while replica " + (i + 1) + " restarted",
                           load.sent.get(), greaterThan(sent + 50));
            }
            TestService.sleep(1000);
            load.stop();
        } finally {
            load.stop();
            for (ServiceProcess replica : replicas) {
                replica.close();
            }
        }
        System.out.println("[topology] rolling restart through HAProxy: " + load.sent.get() + " requests, "
                           + load.failures.size() + " failed");
        assertThat(load.failures, is(empty()));
        assertThat(load.sent.get(), greaterThan(500));
    }

    /** HAProxy with the README's configuration, the replicas' ports in place of the README's, and a stats page. */
    private record Proxy(Neighbour haproxy, int port, int statsPort) {

        static Proxy start(Path work, int port, int... replicaPorts) {
            int statsPort = Neighbour.freePort();
            String config = ReadmeSnippets.withAddresses(
                    ReadmeSnippets.get("haproxy"),
                    "127.0.0.1:8080", "127.0.0.1:" + port,
                    "127.0.0.1:3001", "127.0.0.1:" + replicaPorts[0],
                    "127.0.0.1:3002", "127.0.0.1:" + replicaPorts[replicaPorts.length - 1]);
            if (replicaPorts.length == 1) {
                config = config.lines().filter(line -> !line.contains("replica2"))
                        .collect(Collectors.joining("\n", "", "\n"));
            }
            config += "\nfrontend stats\n    bind 127.0.0.1:" + statsPort + "\n    stats enable\n    stats uri /stats\n";
            return new Proxy(Neighbour.haproxy(work.resolve("haproxy"), config, port), port, statsPort);
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                     .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                     .header("Content-Type", "application/json")
                                     .POST(HttpRequest.BodyPublishers.ofString(json))
                                     .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        }

        /**
         * Waits until HAProxy's stats show {@code server} of {@code backend} in {@code state} (UP, DOWN) as the outcome
         * of a health check: HAProxy 2.6 counts a server UP from its start, before any check ran.
         */
        void awaitServer(String backend, String server, String state) throws Exception {
            String wanted = state + " " + (state.equals("UP") ? "L7OK" : "L7STS");
            long deadline = System.nanoTime() + WAIT.toNanos();
            String seen = "";
            while (System.nanoTime() < deadline) {
                seen = serverStatus(backend, server);
                if (seen.equals(wanted)) {
                    return;
                }
                TestService.sleep(100);
            }
            throw new AssertionError(backend + "/" + server + " is " + seen + ", not " + wanted + " after " + WAIT
                                     + ":\n" + haproxy.output());
        }

        /** "status check_status" of the server, e.g. "UP L7OK" or "DOWN L7STS". */
        private String serverStatus(String backend, String server) throws Exception {
            String csv = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats;csv"))
                                           .build(), HttpResponse.BodyHandlers.ofString()).body();
            List<String> header = Arrays.asList(csv.lines().findFirst().orElseThrow().replace("# ", "").split(","));
            int status = header.indexOf("status");
            int check = header.indexOf("check_status");
            return csv.lines()
                    .map(line -> line.split(","))
                    .filter(fields -> fields.length > check && fields[0].equals(backend) && fields[1].equals(server))
                    .map(fields -> fields[status].split(" ")[0] + " " + fields[check].replace("* ", ""))
                    .findFirst().orElse("absent");
        }
    }

    /** Steady traffic through the proxy: status reads and admin reads of the settings, four clients. */
    private static final class Load {
        private final Proxy proxy;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger sent = new AtomicInteger();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        private final List<Thread> clients = new ArrayList<>();

        Load(Proxy proxy) {
            this.proxy = proxy;
        }

        void start() {
            for (int i = 0; i < 4; i++) {
                String path = i % 2 == 0 ? "/api/db/status" : "/api/settings/group/global";
                clients.add(Thread.ofPlatform().start(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> response = HTTP.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
                                            .header("Authorization", "Bearer " + TOKEN)
                                            .timeout(Duration.ofSeconds(30)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() != 200) {
                                failures.add(path + " answered " + response.statusCode() + ": " + response.body());
                            }
                        } catch (IOException e) {
                            failures.add(path + " failed: " + e);
                        } catch (InterruptedException e) {
                            return;
                        }
                        sent.incrementAndGet();
                        TestService.sleep(10);
                    }
                }));
            }
        }

        void stop() throws InterruptedException {
            if (!running.getAndSet(false)) {
                return;
            }
            for (Thread client : clients) {
                client.join();
            }
        }
    }
}
