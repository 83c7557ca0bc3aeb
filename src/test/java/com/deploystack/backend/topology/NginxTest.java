package com.deploystack.backend.topology;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import com.deploystack.backend.support.Neighbour;
import com.deploystack.backend.support.ReadmeSnippets;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * Debian's nginx in front of the service: with nothing but a {@code proxy_pass} (nginx then speaks HTTP/1.0 to
 * the service and closes every upstream connection), and with the server block of README.md.
 */
@Tag("neighbour")
class NginxTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path work;
    private TestService service;

    @BeforeEach
    void start() {
        TestPostgres postgres = TestPostgres.get();
        service = TestService.start(postgres.environment(postgres.createDatabase("nginx")), work.resolve("data"));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void aPlainProxyPassWithNginxDefaultsServesStatusTheWizardAndSetup() throws Exception {
        int port = Neighbour.freePort();
        String server = "server {\n    listen 127.0.0.1:" + port + ";\n    location / {\n"
                        + "        proxy_pass http://127.0.0.1:" + service.application().port() + ";\n    }\n}\n";
        try (Neighbour nginx = Neighbour.nginx(work.resolve("nginx"), server, port)) {
            assertTheWizardFlowWorksThrough(port);
        }
    }

    @Test
    void theReadmeServerBlockServesStatusTheWizardAndSetup() throws Exception {
        int port = Neighbour.freePort();
        String server = ReadmeSnippets.withAddresses(ReadmeSnippets.get("nginx"),
                                                     "127.0.0.1:3000", "127.0.0.1:" + service.application().port(),
                                                     "listen 8080", "listen 127.0.0.1:" + port);
        try (Neighbour nginx = Neighbour.nginx(work.resolve("nginx"), server, port)) {
            assertTheWizardFlowWorksThrough(port);
        }
    }

    private static void assertTheWizardFlowWorksThrough(int port) throws Exception {
        String base = "http://127.0.0.1:" + port;
        HttpResponse<String> status = get(base + "/api/db/status");
        assertThat(status.body(), status.statusCode(), is(200));
        assertThat(status.body(), containsString("\"initialized\":false"));
        HttpResponse<String> page = get(base + "/setup");
        assertThat(page.statusCode(), is(200));
        assertThat(page.body(), containsString("<html"));
        assertThat(get(base + "/observe/health/ready").statusCode(), is(503));

        HttpResponse<String> setup = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/db/setup"))
                                                       .header("Content-Type", "application/json")
                                                       .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"postgresql\"}"))
                                                       .timeout(Duration.ofSeconds(60)).build(),
                                               HttpResponse.BodyHandlers.ofString());

        assertThat(setup.body(), setup.statusCode(), is(200));
        assertThat(setup.body(), containsString("\"restart_required\":false"));
        assertThat(get(base + "/api/db/status").body(), containsString("\"initialized\":true"));
        HttpResponse<String> ready = get(base + "/observe/health/ready");
        assertThat(ready.body(), ready.statusCode(), is(200));
        assertThat(ready.body(), containsString("\"status\":\"UP\""));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
