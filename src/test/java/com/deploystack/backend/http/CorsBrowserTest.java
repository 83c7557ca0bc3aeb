package com.deploystack.backend.http;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.deploystack.backend.support.HeadlessChromium;
import com.deploystack.backend.support.Neighbour;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * DeployStack's frontend on another origin, as Chromium runs it: a page served from the frontend's origin calls
 * {@code GET /api/db/status} and {@code POST /api/db/setup} with {@code credentials: 'include'} and JSON, then creates
 * and reads a team with the admin token and {@code X-DeployStack-LSN}, the way the frontend does (so the browser sends
 * its preflights, several headers listed in one). The same page from an origin not on the list gets nothing.
 */
@Tag("browser")
class CorsBrowserTest {

    private static final String PAGE = """
            <!doctype html><html><body><pre id="result">running</pre><script>
            (async () => {
              const api = '%s';
              const out = {};
              try {
                const status = await fetch(api + '/api/db/status', {credentials: 'include'});
                out.status = status.status;
                out.initialized = (await status.json()).initialized;
              } catch (e) { out.statusError = String(e); }
              try {
                const setup = await fetch(api + '/api/db/setup', {method: 'POST', credentials: 'include',
                    headers: {'Content-Type': 'application/json'}, body: JSON.stringify({type: 'postgresql'})});
                out.setup = setup.status;
                out.lsn = setup.headers.get('X-DeployStack-LSN');
              } catch (e) { out.setupError = String(e); }
              try {
                // as the frontend calls the management API: a bearer token, JSON, and the last write's WAL position;
                // Chromium lists them in its preflight as "authorization,content-type,x-deploystack-lsn"
                const team = await fetch(api + '/api/teams', {method: 'POST', credentials: 'include',
                    headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer %s',
                              'X-DeployStack-LSN': out.lsn || '0/0'},
                    body: JSON.stringify({name: 'Frontend team'})});
                out.team = team.status;
                const read = await fetch(api + '/api/teams/' + (await team.json()).data.id, {credentials: 'include',
                    headers: {'Authorization': 'Bearer %s', 'X-DeployStack-LSN': team.headers.get('X-DeployStack-LSN')}});
                out.read = read.status;
              } catch (e) { out.teamError = String(e); }
              document.getElementById('result').textContent = JSON.stringify(out);
            })();
            </script></body></html>
            """;

    private static final String TOKEN = "cors-browser-admin-token";

    @TempDir
    Path data;
    private TestService service;
    private HttpServer frontend;
    private HeadlessChromium browser;
    private int frontendPort;

    @BeforeAll
    static void browserInstalled() {
        HeadlessChromium.requireInstalled();
    }

    @BeforeEach
    void start() throws IOException {
        frontendPort = Neighbour.freePort();
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("corsbrowser")));
        env.put(FrontendOrigins.VARIABLE, "http://localhost:" + frontendPort);
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        service = TestService.start(env, data);
        String page = PAGE.formatted("http://127.0.0.1:" + service.application().port(), TOKEN, TOKEN);
        frontend = HttpServer.create(new InetSocketAddress("127.0.0.1", frontendPort), 0);
        frontend.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        frontend.start();
        browser = HeadlessChromium.start();
    }

    @AfterEach
    void stop() {
        browser.close();
        frontend.stop(0);
        service.close();
    }

    @Test
    void aPageFromAnOriginNotOnTheListCannotReadTheStatusNorPerformSetup() {
        // 127.0.0.1 is another origin than localhost: the page is the same, the origin is not listed
        JsonObject result = run("http://127.0.0.1:" + frontendPort + "/");

        assertThat(result.toString(), result.getString("statusError"), containsString("Failed to fetch"));
        assertThat(result.toString(), result.getString("setupError"), containsString("Failed to fetch"));
        assertThat(service.status().getBoolean("initialized"), is(false));
    }

    @Test
    void theFrontendOnItsOwnOriginReadsTheStatusAndPerformsSetup() {
        JsonObject result = run("http://localhost:" + frontendPort + "/");

        assertThat(result.toString(), result.getInt("status"), is(200));
        assertThat(result.toString(), result.getBoolean("initialized"), is(false));
        assertThat(result.toString(), result.getInt("setup"), is(200));
        assertThat(result.toString(), result.getString("lsn"), matchesPattern("[0-9A-F]+/[0-9A-F]+"));
        assertThat(result.toString(), result.getInt("team"), is(201));
        assertThat(result.toString(), result.getInt("read"), is(200));
        assertThat(service.status().getBoolean("initialized"), is(true));
        assertThat(browser.consoleErrors().toString(), browser.consoleErrors().isEmpty(), is(true));
    }

    private JsonObject run(String url) {
        browser.open(url);
        browser.awaitText("result", "}");
        String text = browser.driver().findElement(By.id("result")).getText();
        return Json.createReader(new StringReader(text)).readObject();
    }
}
