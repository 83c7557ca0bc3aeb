package com.deploystack.backend.topology;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.support.Neighbour;
import com.deploystack.backend.support.ReadmeSnippets;
import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonArray;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * Debian's Prometheus runs the README's scrape configuration and alert rules against the service: promtool accepts
 * the rules, Prometheus scrapes {@code /observe/metrics}, and a setup whose migration fails fires
 * {@code DeployStackSetupOrMigrationFailed} while {@code DeployStackNotReady} waits out its {@code for}.
 */
@Tag("neighbour")
class PrometheusTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path directory;

    @Test
    void promtoolAcceptsTheReadmesAlertRules() throws Exception {
        Path promtool = Neighbour.require(Path.of("/usr/bin/promtool"), "prometheus");
        Path rules = Files.writeString(directory.resolve("rules.yml"), ReadmeSnippets.get("prometheus-rules"));
        Process check = new ProcessBuilder(promtool.toString(), "check", "rules", rules.toString())
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS), is(true));
        assertThat(output, check.exitValue(), is(0));
        assertThat(output, containsString("SUCCESS: 3 rules found"));
    }

    @Test
    void prometheusScrapesTheServiceAndTheFailedSetupFiresItsAlert() throws Exception {
        ScriptRepository scripts = ScriptRepository.copyOfProject(Files.createDirectories(directory.resolve("repo")));
        scripts.write("20990101000000_broken.sql", "SELECT * FROM no_such_table;", "SELECT 1;");
        String database = TestPostgres.get().createDatabase("prometheus");
        try (TestService service = TestService.start(TestPostgres.get().environment(database),
                                                     Files.createDirectories(directory.resolve("data")),
                                                     scripts.root(), Map.of())) {
            Files.writeString(directory.resolve("rules.yml"), ReadmeSnippets.get("prometheus-rules"));
            String scrape = ReadmeSnippets.withAddresses(ReadmeSnippets.get("prometheus"),
                                                         "127.0.0.1:3000", "127.0.0.1:" + service.application().port(),
                                                         "15s", "1s");
            int port = Neighbour.freePort();
            String config = "global:\n  evaluation_interval: 1s\nrule_files:\n  - " + directory.resolve("rules.yml")
                            + "\n" + scrape;
            try (Neighbour prometheus = Neighbour.prometheus(Files.createDirectories(directory.resolve("prometheus")),
                                                             config, port)) {
                awaitQuery(port, "deploystack_phase{job=\"deploystack-db\",phase=\"CONFIGURED\"} == 1", prometheus);
                awaitQuery(port, "up{job=\"deploystack-db\"} == 1", prometheus);

                assertThat(service.setup().status(), is(500));
                awaitQuery(port, "ALERTS{alertname=\"DeployStackSetupOrMigrationFailed\",alertstate=\"firing\"}",
                           prometheus);
                awaitQuery(port, "ALERTS{alertname=\"DeployStackNotReady\",alertstate=\"pending\"}", prometheus);
            }
        }
    }

    /** Waits until {@code query} has a result in Prometheus' HTTP API. */
    private static void awaitQuery(int port, String query, Neighbour prometheus) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String answer = "";
        while (System.nanoTime() < deadline) {
            answer = get("http://127.0.0.1:" + port + "/api/v1/query?query="
                         + URLEncoder.encode(query, StandardCharsets.UTF_8));
            try (JsonReader reader = JsonFactory.reader(new StringReader(answer))) {
                JsonArray result = reader.readObject().getJsonObject("data").getJsonArray("result");
                if (!result.isEmpty()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not an answer with data yet
            }
            TestService.sleep(250);
        }
        throw new AssertionError(query + " found nothing within 30 s; last answer " + answer + "\n"
                                 + prometheus.output());
    }

    private static String get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                         HttpResponse.BodyHandlers.ofString()).body();
    }
}
