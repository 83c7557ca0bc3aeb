package com.deploystack.backend.routes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.support.RawHttp;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** Requests the fault-injection suite found answered 500: each now has its 4xx (or its normal answer). */
class MalformedRequestTest {

    private static final String SETUP = "POST /api/db/setup HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    private static final String TEAMS = "POST /api/teams HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                        + "Authorization: Bearer malformed-token\r\n";
    private static TestService service;

    @BeforeAll
    static void start(@TempDir Path data) {
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(TestPostgres.get().createDatabase("malformed")));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", "malformed-token");
        service = TestService.start(env, data);
        service.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
        assertThat(service.setup().status(), is(200));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a method with a control character        | GET\u0001 /api/health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                         | 400
            a method with a non-ASCII character      | GÉT /api/health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n                               | 400
            a content type without a subtype         | SETUP Content-Type: application/\\r\\nContent-Length: 2\\r\\n\\r\\n{}           | 415
            a content type that is only a slash      | TEAMS Content-Type: /\\r\\nContent-Length: 2\\r\\n\\r\\n{}                      | 415
            a content length that is not a number    | SETUP Content-Type: application/json\\r\\nContent-Length: abc\\r\\n\\r\\n{}     | 400
            a malformed chunk                        | SETUP Content-Type: application/json\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n{}\\r\\n0\\r\\n\\r\\n | 400
            a number beyond the parser's limits      | SETUP Content-Type: application/json\\r\\nContent-Length: 25\\r\\n\\r\\n{"type":1e999999999999}  | 400
            an unknown health check                  | GET /observe/health/ready/nothing HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n             | 404
            """)
    void aMalformedRequestAnswers4xx(String what, String request, int status) throws Exception {
        String bytes = request.replace("SETUP ", SETUP).replace("TEAMS ", TEAMS).replace("\\r\\n", "\r\n");
        assertThat(what, RawHttp.status(service.application().port(), bytes), is(status));
    }

    @Test
    void jsonNestedBeyondTheParsersDepthAnswers400() throws Exception {
        String body = "[".repeat(20_000);
        assertThat(RawHttp.status(service.application().port(), SETUP + "Content-Type: application/json\r\nContent-Length: "
                                                              + body.length() + "\r\n\r\n" + body), is(400));
    }

    @Test
    void aNumberTooLongForTheParserAnswers400() throws Exception {
        String body = "{\"name\":" + "9".repeat(50_000) + "}";
        assertThat(RawHttp.status(service.application().port(), TEAMS + "Content-Type: application/json\r\nContent-Length: "
                                                              + body.length() + "\r\n\r\n" + body), is(400));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            POST | /api/db/setup
            POST | /api/teams
            PUT  | /api/teams/some-team
            POST | /api/projects
            POST | /api/teams/some-team/mcp/installations
            PUT  | /api/settings/smtp.port
            """)
    void aNumberThatExpandsToBillionsOfDigitsIsRefusedOnEveryRouteWithABody(String method, String path) {
        for (String body : List.of("{\"value\":1e999999999}", "{\"name\":\"x\",\"configuration\":{\"deep\":[1,-1E-999999999]}}",
                                   "{\"value\":" + "9".repeat(65) + "}")) {
            TestService.Response response = service.request(method, path, body, "Content-Type", "application/json",
                                                             "Authorization", "Bearer malformed-token");
            assertThat(body, response.status(), is(400));
            assertThat(body, response.json().getString("error"),
                       is("Request body holds a number longer than 64 digits written out."));
        }
        TestService.Response ordinary = service.request(method, path, "{\"value\":" + "9".repeat(64) + "}",
                                                        "Content-Type", "application/json",
                                                        "Authorization", "Bearer malformed-token");
        assertThat("64 digits are accepted by the reader (the route may refuse the field)",
                   ordinary.body(), not(containsString("longer than 64 digits")));
    }

    @Test
    void anAcceptHeaderWithoutJsonStillGetsTheJsonAnswer() {
        TestService.Response conflict = service.request("POST", "/api/db/setup", "{\"type\":\"postgresql\"}",
                                                        "Accept", "application/xml");
        assertThat(conflict.status(), is(409));
        assertThat(conflict.contentType(), startsWith("application/json"));
        assertThat(conflict.json().getString("message"), is("Database setup has already been performed."));
        TestService.Response error = service.request("POST", "/api/teams", "{\"name\":1}", "Accept", "application/xml",
                                                     "Authorization", "Bearer malformed-token");
        assertThat(error.status(), is(400));
        assertThat(error.json().getBoolean("success"), is(false));
        assertThat(service.request("GET", "/api/health", null, "Accept", "text/html").json().getString("status"), is("ok"));
    }

    @Test
    void theStatusBodyFollowsEveryPhaseChangeAndIsJson() {
        TestService.Response status = service.get("/api/db/status");
        assertThat(status.contentType(), startsWith("application/json"));
        assertThat(status.json().getString("phase"), is("INITIALIZED"));
        assertThat(status.json().getBoolean("initialized"), is(true));
    }
}
