package com.deploystack.backend.http;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.deploystack.backend.support.RawHttp;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * What goes over the socket, byte for byte: HTTP/1.0 as load balancers send it, request smuggling through
 * unread bodies, {@code Connection: close}, HEAD, and the error and header contract of every answer.
 */
class WireProtocolTest {

    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final String TOKEN = "wire-admin-token-0123456789";
    private static final String SETUP_BODY = "{\"type\":\"postgresql\"}";
    /** A complete setup request: if it ever runs, the database is set up and the test sees it. */
    private static final String SMUGGLED_SETUP = "POST /api/db/setup HTTP/1.1\r\nHost: x\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + SETUP_BODY.length() + "\r\n\r\n" + SETUP_BODY;

    @TempDir
    Path data;
    private TestService service;
    private int port;

    @BeforeEach
    void start() {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("wire")));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        service = TestService.start(env, data, Path.of("migrations"), Map.of("db.setup.limit", "256"));
        port = service.application().port();
        service.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (service.get("/observe/health/started").status() != 200 && System.nanoTime() < deadline) {
            TestService.sleep(20);
        }
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/observe/health/live", "/observe/health", "/api/db/status", "/setup", "/api/health"})
    void http10RequestsWithoutHostGetTheSameAnswerUnchunkedAndTheConnectionCloses(String path) throws IOException {
        RawHttp.Exchange http10 = RawHttp.exchange(port, "GET " + path + " HTTP/1.0\r\n\r\n", QUIET);
        RawHttp.Exchange http11 = RawHttp.exchange(
                port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", QUIET);

        assertThat(http10.closedByServer(), is(true));
        assertThat(http10.statuses(), is(http11.statuses()));
        assertThat(http10.head(), not(containsString("transfer-encoding")));
        assertThat(http10.head(), containsString("connection: close"));
        assertThat(http10.body(), is(unchunked(http11)));
    }

    @Test
    void setupOverHttp10IsPerformed() throws IOException {
        RawHttp.Exchange setup = RawHttp.exchange(port, "POST /api/db/setup HTTP/1.0\r\nContent-Type: application/json\r\n"
                                                        + "Content-Length: " + SETUP_BODY.length() + "\r\n\r\n"
                                                        + SETUP_BODY, QUIET);

        assertThat(setup.statuses(), is(List.of(200)));
        assertThat(setup.closedByServer(), is(true));
        assertThat(service.status().getString("phase"), is("INITIALIZED"));
    }

    @Test
    void http10RequestWithTransferEncodingIsRefused() throws IOException {
        RawHttp.Exchange refused = RawHttp.exchange(port, "POST /api/db/setup HTTP/1.0\r\nTransfer-Encoding: chunked\r\n"
                                                          + "Content-Type: application/json\r\n\r\n"
                                                          + Integer.toHexString(SETUP_BODY.length()) + "\r\n"
                                                          + SETUP_BODY + "\r\n0\r\n\r\n", QUIET);

        assertThat(refused.statuses(), is(List.of(400)));
        assertThat(refused.body(), containsString("Transfer-Encoding"));
        assertThat(refused.closedByServer(), is(true));
        assertThat(service.status().getString("phase"), is("CONFIGURED"));
    }

    static Stream<Arguments> smugglingShapes() {
        String body = "Content-Length: " + SMUGGLED_SETUP.length() + "\r\n\r\n" + SMUGGLED_SETUP;
        String padded = SMUGGLED_SETUP + " ".repeat(300);
        return Stream.of(
                Arguments.of("GET with a body", 200, "GET /api/db/status HTTP/1.1\r\nHost: x\r\n" + body),
                Arguments.of("401 without the admin token", 401,
                             "POST /api/teams HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + body),
                Arguments.of("413 beyond the body limit", 413,
                             "POST /api/db/setup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             + "Content-Length: " + padded.length() + "\r\n\r\n" + padded),
                Arguments.of("415 not JSON", 415,
                             "POST /api/db/setup HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" + body),
                Arguments.of("404 unknown path", 404, "POST /nowhere HTTP/1.1\r\nHost: x\r\n" + body));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smugglingShapes")
    void aBodyWithConnectionCloseIsNeverRunAsARequest(String shape, int status, String request) throws IOException {
        String withClose = request.replaceFirst("\r\n", "\r\nConnection: close\r\n");

        RawHttp.Exchange exchange = RawHttp.exchange(port, withClose, QUIET);

        assertThat(shape, exchange.statuses(), is(List.of(status)));
        assertThat(shape, exchange.closedByServer(), is(true));
        assertThat(shape, service.status().getString("phase"), is("CONFIGURED"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smugglingShapes")
    void anUnreadBodyOnAKeptAliveConnectionIsNeverRunAsARequest(String shape, int status, String request)
            throws IOException {
        RawHttp.Exchange exchange = RawHttp.exchange(
                port, request + "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", QUIET);

        List<Integer> expected = status == 413 ? List.of(413) : List.of(status, 200);
        assertThat(shape, exchange.statuses(), is(expected));
        assertThat(shape, service.status().getString("phase"), is("CONFIGURED"));
    }

    @Test
    void keptAliveConnectionsServePipelinedRequestsInOrder() throws IOException {
        RawHttp.Exchange exchange = RawHttp.exchange(port, "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"
                                                           + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                                                           + "GET /api/db/status HTTP/1.1\r\nHost: x\r\n\r\n", QUIET);

        assertThat(exchange.statuses(), is(List.of(200, 404, 200)));
        assertThat(exchange.closedByServer(), is(false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/observe/health", "/observe/health/live", "/observe/health/ready",
                            "/observe/health/started"})
    void headOnHealthAnswersAsGetDoesWithoutTheBody(String path) throws IOException {
        RawHttp.Exchange get = RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                                QUIET);
        // a second request on the same connection proves that HEAD sent no body bytes
        RawHttp.Exchange head = RawHttp.exchange(port, "HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"
                                                       + "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                                 QUIET);

        assertThat(head.statuses(), is(List.of(get.statuses().getFirst(), 200)));
        assertThat(head.head(), containsString("content-length: " + unchunked(get).length()));
        assertThat(head.head(), containsString("content-type: application/json"));
        assertThat(head.body(), startsWith("HTTP/1.1 200 OK"));
    }

    @Test
    void headOnTheSetupPageAnswersItsHeadersWithoutThePage() throws IOException {
        RawHttp.Exchange get = RawHttp.exchange(port, "GET /setup HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", QUIET);
        RawHttp.Exchange head = RawHttp.exchange(port, "HEAD /setup HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                                 QUIET);

        assertThat(head.statuses(), is(List.of(200)));
        assertThat(head.head(), containsString("content-length: " + get.body().length()));
        assertThat(head.head(), containsString("content-type: text/html"));
        assertThat(head.body(), is(""));
    }

    @Test
    void unknownPathsAnswer404AndWrongMethods405WithAllowInJson() throws IOException {
        RawHttp.Exchange unknown = RawHttp.exchange(port, "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                                    QUIET);
        RawHttp.Exchange wrongMethod = RawHttp.exchange(
                port, "DELETE /api/db/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", QUIET);
        RawHttp.Exchange wrongOnTeams = RawHttp.exchange(
                port, "PATCH /api/teams/t1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", QUIET);

        assertThat(unknown.statuses(), is(List.of(404)));
        assertThat(unknown.head(), containsString("content-type: application/json"));
        assertThat(json(unknown).containsKey("error"), is(true));
        assertThat(wrongMethod.statuses(), is(List.of(405)));
        assertThat(wrongMethod.head(), containsString("allow: get"));
        assertThat(json(wrongMethod).getString("error"), containsString("DELETE"));
        assertThat(wrongOnTeams.statuses(), is(List.of(405)));
        assertThat(wrongOnTeams.head(), containsString("allow: get, put, delete"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /api/db/status", "POST /api/db/setup", "GET /api/settings", "GET /api/teams/t1",
                            "GET /api/settings/smtp.password"})
    void apiAnswersAreNeverCachedNorSniffed(String request) throws IOException {
        RawHttp.Exchange unauthenticated = RawHttp.exchange(
                port, request + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", QUIET);
        RawHttp.Exchange authenticated = RawHttp.exchange(
                port, request + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                      + "\r\nConnection: close\r\n\r\n", QUIET);

        for (RawHttp.Exchange exchange : List.of(unauthenticated, authenticated)) {
            assertThat(request, exchange.head(), containsString("cache-control: no-store"));
            assertThat(request, exchange.head(), containsString("x-content-type-options: nosniff"));
        }
    }

    @Test
    void theSetupPageIsNotCachedSniffedOrReferred() throws IOException {
        RawHttp.Exchange page = RawHttp.exchange(port, "GET /setup HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                                 QUIET);

        assertThat(page.head(), containsString("cache-control: no-store"));
        assertThat(page.head(), containsString("x-content-type-options: nosniff"));
        assertThat(page.head(), containsString("referrer-policy: no-referrer"));
    }

    @Test
    void requestsHelidonCannotParseAnswerJsonAndClose() throws IOException {
        RawHttp.Exchange badLine = RawHttp.exchange(port, "GET /x HTTP/1.1 extra\r\nHost: x\r\n\r\n", QUIET);
        RawHttp.Exchange tooLarge = RawHttp.exchange(port, "POST /api/db/setup HTTP/1.1\r\nHost: x\r\n"
                                                           + "Content-Length: 99999999\r\n\r\n", QUIET);

        assertThat(badLine.statuses(), is(List.of(400)));
        assertThat(badLine.head(), containsString("content-type: application/json"));
        assertThat(json(badLine).containsKey("error"), is(true));
        assertThat(badLine.closedByServer(), is(true));
        assertThat(tooLarge.statuses(), is(List.of(413)));
        assertThat(json(tooLarge).getString("error"), containsString("too large"));
        assertThat(tooLarge.closedByServer(), is(true));
    }

    /** The body of an answer, with chunked framing removed when it has any. */
    private static String unchunked(RawHttp.Exchange exchange) {
        if (!exchange.head().contains("transfer-encoding: chunked")) {
            return exchange.body();
        }
        StringBuilder body = new StringBuilder();
        String rest = exchange.body();
        while (true) {
            int lineEnd = rest.indexOf("\r\n");
            int size = Integer.parseInt(rest.substring(0, lineEnd).strip(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(rest, lineEnd + 2, lineEnd + 2 + size);
            rest = rest.substring(lineEnd + 2 + size + 2);
        }
    }

    private static JsonObject json(RawHttp.Exchange exchange) {
        return Json.createReader(new StringReader(exchange.body())).readObject();
    }
}
