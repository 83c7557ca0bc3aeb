package com.deploystack.backend.http;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.support.RawHttp;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** CORS as a browser asks for it: preflights and actual requests from allowed and refused origins. */
class CorsTest {

    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final String FRONTEND = "https://deploystack.example.com";

    @TempDir
    Path data;
    private TestService service;
    private int port;

    @BeforeEach
    void start() {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("cors")));
        env.put(FrontendOrigins.VARIABLE, " " + FRONTEND + "/ , not a url, http://frontend.internal:8443");
        service = TestService.start(env, data);
        port = service.application().port();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {FRONTEND, "http://frontend.internal:8443", "http://localhost:5173", "http://localhost:5174",
                            "http://localhost:4173", "http://localhost:3000"})
    void aPreflightFromAnAllowedOriginAnswers204WithCredentials(String origin) throws IOException {
        RawHttp.Exchange preflight = preflight(origin, "POST", "content-type");

        assertThat(preflight.statuses(), is(List.of(204)));
        assertThat(preflight.head(), containsString("access-control-allow-origin: " + origin));
        assertThat(preflight.head(), containsString("access-control-allow-credentials: true"));
        assertThat(preflight.head(), containsString("access-control-allow-methods: post"));
        assertThat(preflight.head(), containsString("access-control-allow-headers: content-type"));
    }

    @Test
    void theActualRequestsOfTheWizardCarryTheAllowHeaders() throws IOException {
        RawHttp.Exchange status = request("GET /api/db/status", FRONTEND, "");
        RawHttp.Exchange setup = request("POST /api/db/setup", FRONTEND,
                                         "Content-Type: application/json\r\nContent-Length: 21\r\n\r\n{\"type\":\"postgresql\"}");

        assertThat(status.statuses(), is(List.of(200)));
        assertThat(status.head(), containsString("access-control-allow-origin: " + FRONTEND));
        assertThat(status.head(), containsString("access-control-allow-credentials: true"));
        assertThat(status.head(), containsString("vary: origin"));
        assertThat(setup.statuses(), is(List.of(200)));
        assertThat(setup.head(), containsString("access-control-allow-origin: " + FRONTEND));
        assertThat(service.status().getBoolean("initialized"), is(true));
        // the WAL position of a write, readable by the frontend's script and sent back with its next reads
        assertThat(setup.head(), containsString("access-control-expose-headers: x-deploystack-lsn"));
        assertThat(setup.head().toLowerCase(), containsString("x-deploystack-lsn: "));
        RawHttp.Exchange preflight = preflight(FRONTEND, "GET", "authorization, x-deploystack-lsn");
        assertThat(preflight.statuses(), is(List.of(204)));
        assertThat(preflight.head(), containsString("access-control-allow-headers: x-deploystack-lsn"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"authorization,content-type", "content-type,x-deploystack-lsn",
                            "authorization,content-type,x-deploystack-lsn", "Authorization, Content-Type",
                            "x-deploystack-lsn"})
    void aPreflightListingTheAllowedHeadersAsBrowsersDoIsAllowed(String headers) throws IOException {
        RawHttp.Exchange preflight = preflight(FRONTEND, "PUT", headers);

        assertThat(preflight.statuses(), is(List.of(204)));
        assertThat(preflight.head(), containsString("access-control-allow-origin: " + FRONTEND));
        String allowed = String.join(",", preflight.head().lines()
                .filter(line -> line.startsWith("access-control-allow-headers: ")).toList());
        for (String name : headers.toLowerCase().split(",\\s*")) {
            assertThat(allowed, containsString(name));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-evil", "authorization,x-evil", "authorization, x-evil", "content-type,authorization,x"})
    void aPreflightAskingForAnotherHeaderIsRefused(String headers) throws IOException {
        RawHttp.Exchange preflight = preflight(FRONTEND, "PUT", headers);

        assertThat(preflight.statuses(), is(List.of(403)));
        assertThat(preflight.head(), not(containsString("access-control-allow-origin")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example", "http://localhost:5175", "not a url"})
    void anOriginNotOnTheListGetsNoAllowOriginAndTheSetupIsNotPerformed(String origin) throws IOException {
        RawHttp.Exchange preflight = preflight(origin, "POST", "content-type");
        RawHttp.Exchange status = request("GET /api/db/status", origin, "");
        RawHttp.Exchange setup = request("POST /api/db/setup", origin,
                                         "Content-Type: application/json\r\nContent-Length: 21\r\n\r\n{\"type\":\"postgresql\"}");

        assertThat(preflight.head(), not(containsString("access-control-allow-origin")));
        assertThat(status.head(), not(containsString("access-control-allow-origin")));
        assertThat(setup.head(), not(containsString("access-control-allow-origin")));
        assertThat("a refused origin's request never runs", service.status().getBoolean("initialized"), is(false));
    }

    @Test
    void requestsWithoutAnOriginAreNotCorsRequests() throws IOException {
        RawHttp.Exchange status = request("GET /api/db/status", null, "");

        assertThat(status.statuses(), is(List.of(200)));
        assertThat(status.head(), not(containsString("access-control-")));
    }

    private RawHttp.Exchange preflight(String origin, String method, String headers) throws IOException {
        return RawHttp.exchange(port, "OPTIONS /api/db/setup HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: " + origin
                                      + "\r\nAccess-Control-Request-Method: " + method
                                      + "\r\nAccess-Control-Request-Headers: " + headers
                                      + "\r\nConnection: close\r\n\r\n", QUIET);
    }

    private RawHttp.Exchange request(String requestLine, String origin, String rest) throws IOException {
        String head = requestLine + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                      + (origin == null ? "" : "Origin: " + origin + "\r\n");
        return RawHttp.exchange(port, head + (rest.isEmpty() ? "\r\n" : rest), QUIET);
    }
}
