package com.deploystack.backend.fault;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.deploystack.backend.routes.Routes;
import com.deploystack.backend.support.FaultRun;
import com.deploystack.backend.support.RawHttp;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import io.helidon.http.Method;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * Generated malformed requests (bodies, content types, sizes, methods, headers, paths, and raw protocol
 * garbage) against every route, over raw sockets so nothing is cleaned up on the way: no answer is a 5xx,
 * the database and the selection file are unchanged, and the service keeps answering. 600 requests in a
 * bounded run, 5000 in a soak; {@code -Dfault.seed=N} replays a run.
 */
@Tag("fault")
class MalformedRequestFaultTest {

    private static final String TOKEN = "fault-token";
    private static final int LIMIT = 65536;

    /** A route; {@code writes}: a well-formed request to it would change state. */
    private record Route(String method, String path, boolean writes, boolean managed) {
    }

    /** One generated request: what it is, and its bytes on the wire. */
    private record Probe(String description, byte[] bytes) {
    }

    private static final List<String> IDS = List.of(
            "not-a-uuid", "00000000-0000-0000-0000-000000000000", "%00", "..%2F..%2Fetc%2Fpasswd", "'%3B%20DROP%20TABLE%20teams",
            "%C3%BC", "a".repeat(3000), "%ZZ", "1%20OR%201=1", "null", "-1", "9".repeat(40), "%F0%9F%92%A5", "%FF%FE");

    private static final List<String> BODIES = List.of(
            "", "{", "}", "[]", "null", "true", "123", "\"postgresql\"", "{\"__fault\":1}", "{\"name\":123}",
            "{\"name\":\"\"}", "{\"name\":null}", "{\"name\":[]}", "{\"name\":\"" + "n".repeat(301) + "\"}",
            "{\"type\":123}", "{\"type\":\"mysql\"}", "{\"type\":null}", "{\"server_id\":1,\"installation_name\":2}",
            "{'name':'x'}", "{\"name\":\"x\",}", "{\"__fault\":1}{\"__fault\":2}", "[".repeat(20000),
            "{\"a\":".repeat(5000), "\u0000\u0001\u0002", "{\"name\":\"\\ud800\",\"__fault\":1}",
            "{\"name\":1e999999999}", "{\"name\":" + "9".repeat(50000) + "}", "{\"configuration\":\"x\",\"__fault\":1}",
            "{\"name\":\"x\",\"name\":\"y\",\"__fault\":1}", "{\"__proto__\":{\"admin\":true}}");

    private static final List<String> CONTENT_TYPES = List.of(
            "", "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/json; charset=ebcdic", "application/json; charset=", "application/", "/", "application/json/x",
            ";;;", "application/jsonx", "APPLICATION/JSON", "application/problem+json", "application/json; q=\"",
            "*/*", "application/*");

    private static final List<String> METHODS = List.of(
            "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "FOO", "get", "PROPFIND",
            "G\u00c9T", "GET\u0000");

    private static final List<List<String>> HEADERS = List.of(
            List.of("Authorization: Bearer"), List.of("Authorization: Basic Zm9vOmJhcg=="),
            List.of("Authorization: Bearer " + "t".repeat(10000)), List.of("Authorization: Bearer fault-token\u00e9"),
            List.of("Authorization: Bearer fault-token", "Authorization: Bearer wrong"),
            List.of("Content-Length: -1"), List.of("Content-Length: abc"), List.of("Content-Length: 99999999999999999999"),
            List.of("Content-Length: 3", "Content-Length: 7"), List.of("Transfer-Encoding: chunked"),
            List.of("Transfer-Encoding: gzip"), List.of("Transfer-Encoding: chunked", "Content-Length: 5"),
            List.of("Expect: 100-continue"), List.of("Expect: nothing-like-this"), List.of("BadHeader"),
            List.of("Bad Header: x"), List.of("X-Long: " + "v".repeat(20000)), manyHeaders(300),
            List.of("Accept: application/xml"), List.of("Accept: */*;q=abc"), List.of("Accept-Charset: ebcdic"),
            List.of("Content-Encoding: gzip"), List.of("Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c",
                                                       "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"),
            List.of("Upgrade: websocket", "Connection: Upgrade"), List.of("Host: "), List.of("X-Forwarded-For: \u0000"),
            List.of("Range: bytes=99999999-"), List.of("If-None-Match: *"), List.of("Cookie: " + "c=1; ".repeat(2000)));

    private static final List<String> RAW = List.of(
            "GARBAGE\r\n\r\n", "GET /api/health HTTP/9.9\r\nHost: x\r\n\r\n", "GET  HTTP/1.1\r\nHost: x\r\n\r\n",
            "\r\n\r\n", "GET /api/health\r\n\r\n", "GET /" + "p".repeat(20000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /%%%% HTTP/1.1\r\nHost: x\r\n\r\n", "GET http://evil.example/api/db/status HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET * HTTP/1.1\r\nHost: x\r\n\r\n", "POST /api/db/setup HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            + "Content-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            "POST /api/teams HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"na",
            "GET /api/health HTTP/1.1\r\nHost: x\r\n \r\n\r\n", "GET /api/health HTTP/1.1\nHost: x\n\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003",
            "GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcdeGET / HTTP/1.1\r\n\r\n");

    @Test
    void malformedRequestsToEveryRouteGetNo5xxChangeNothingAndLeaveTheServiceUp(@TempDir Path data) throws Exception {
        String database = TestPostgres.get().createDatabase("fault_malformed");
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        try (TestService service = TestService.start(env, data)) {
            service.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
            assertThat(service.setup().status(), is(200));
            String team = service.request("POST", "/api/teams", "{\"name\":\"Fault\"}", "Authorization", "Bearer " + TOKEN)
                    .json().getJsonObject("data").getString("id");
            Map<String, String> before = snapshot(database, data);

            long seed = Long.getLong("fault.seed", System.nanoTime());
            List<Probe> probes = generate(new Random(seed), FaultRun.choose(600, 5000), routes(service), team);
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<String> serverErrors = new ArrayList<>();
            for (Probe probe : probes) {
                int status = RawHttp.status(service.application().port(), probe.bytes());
                statuses.merge(status, 1, Integer::sum);
                if (status >= 500) {
                    serverErrors.add(status + " for " + probe.description());
                }
            }
            FaultRun.report("malformed requests", probes.size() + " requests to " + routes(service).size()
                            + " routes (seed " + seed + "), answers " + statuses
                            + " (0: closed without an answer, -1: no answer within 10 s), " + serverErrors.size() + " x 5xx");

            assertThat(serverErrors, is(empty()));
            assertThat(snapshot(database, data), is(before));
            assertThat(service.get("/api/health").status(), is(200));
            assertThat(service.status().getString("phase"), is("INITIALIZED"));
            assertThat(service.request("GET", "/api/teams/" + team, null, "Authorization", "Bearer " + TOKEN).status(),
                       is(200));
        }
    }

    /** Every route of the service: the database, page and health routes, and the management table. */
    private static List<Route> routes(TestService service) {
        List<Route> routes = new ArrayList<>(List.of(
                new Route("GET", "/api/db/status", false, false), new Route("POST", "/api/db/setup", true, false),
                new Route("GET", "/setup", false, false), new Route("GET", "/api/health", false, false),
                new Route("GET", "/observe/health", false, false), new Route("GET", "/observe/health/live", false, false),
                new Route("GET", "/observe/health/ready", false, false),
                new Route("GET", "/observe/health/started", false, false)));
        for (Routes.Endpoint endpoint : Routes.management(service.application().database(), service.application().settings(), LIMIT)) {
            routes.add(new Route(endpoint.method().text(), endpoint.path(), endpoint.method() != Method.GET, true));
        }
        return routes;
    }

    private static List<Probe> generate(Random random, int count, List<Route> routes, String team) {
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Route route = routes.get((i / 7) % routes.size());
            boolean validToken = route.managed() && random.nextBoolean();
            Map<String, String> headers = new LinkedHashMap<>();
            if (route.managed()) {
                headers.put("Authorization", validToken ? "Bearer " + TOKEN
                        : pick(random, List.of("", "Bearer wrong", "Bearer", "Token " + TOKEN, TOKEN)));
            }
            String path = path(route, random, team);
            String method = route.method();
            String body = route.writes() || random.nextInt(4) == 0 ? pick(random, BODIES) : null;
            List<String> extra = List.of();
            String what;
            switch (i % 7) {
                case 0 -> {
                    body = pick(random, BODIES);
                    headers.put("Content-Type", "application/json");
                    what = "body";
                }
                case 1 -> {
                    body = random.nextBoolean() ? "{\"__fault\":1}" : pick(random, BODIES);
                    headers.put("Content-Type", pick(random, CONTENT_TYPES));
                    what = "content type";
                }
                case 2 -> {
                    int size = pick(random, List.of(0, 1, LIMIT, LIMIT + 1, 1 << 20));
                    body = random.nextBoolean() ? "{\"__fault\":\"" + "x".repeat(Math.max(0, size - 14)) + "\"}"
                            : "x".repeat(size);
                    headers.put("Content-Type", "application/json");
                    what = "size " + size;
                }
                case 3 -> {
                    method = pick(random, METHODS);
                    if (validToken && method.equals(route.method())) {
                        method = "PATCH";
                    }
                    if (validToken) {
                        // another method on a read's path could be a well-formed DELETE or PUT of the team
                        path = route.path().replaceAll("\\{[^}]+}", pick(random, IDS));
                    }
                    what = "method";
                }
                case 4 -> {
                    extra = pick(random, HEADERS);
                    if (body == null && route.writes()) {
                        body = pick(random, BODIES);
                    }
                    headers.put("Content-Type", "application/json");
                    what = "headers";
                }
                case 5 -> {
                    path = junkPath(route, random);
                    what = "path";
                }
                default -> {
                    String raw = pick(random, RAW);
                    probes.add(new Probe("raw " + i + ": " + shorten(raw.replace("\r\n", "\\r\\n")),
                                         raw.getBytes(StandardCharsets.ISO_8859_1)));
                    continue;
                }
            }
            if (route.writes() && validToken && (body == null || body.isEmpty()) && i % 7 != 3 && i % 7 != 5) {
                body = "{\"__fault\":1}";
            }
            probes.add(new Probe(what + " " + i + ": " + method + " " + shorten(path) + " " + shorten(String.valueOf(body))
                                 + " " + shorten(extra.toString()), request(method, path, headers, extra, body)));
        }
        return probes;
    }

    /** The route's path; parameters are junk, except that reads may name the existing team. */
    private static String path(Route route, Random random, String team) {
        String path = route.path();
        while (path.contains("{")) {
            String id = !route.writes() && random.nextBoolean() ? team : pick(random, IDS);
            path = path.replaceFirst("\\{[^}]+}", id);
        }
        return path;
    }

    private static String junkPath(Route route, Random random) {
        String path = route.path().replaceAll("\\{[^}]+}", pick(random, IDS));
        return switch (random.nextInt(8)) {
            case 0 -> path + "/" + pick(random, IDS);
            case 1 -> path.replace("/", "//");
            case 2 -> path + "?limit=" + pick(random, List.of("abc", "-1", "0", "99999999999", "%00", "1e3", ""));
            case 3 -> path + "?%=%&&=" + "q".repeat(3000);
            case 4 -> path.toUpperCase();
            case 5 -> path + "/..%2F..%2F";
            case 6 -> path + "#fragment";
            default -> path + "%20";
        };
    }

    private static byte[] request(String method, String path, Map<String, String> headers, List<String> extra,
                                  String body) {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        boolean lengthGiven = extra.stream().anyMatch(h -> h.toLowerCase().startsWith("content-length")
                                                           || h.toLowerCase().startsWith("transfer-encoding"));
        if (body != null && !lengthGiven) {
            head.append("Content-Length: ").append(content.length).append("\r\n");
        }
        extra.forEach(header -> head.append(header).append("\r\n"));
        head.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(content);
        return bytes.toByteArray();
    }

    /** Every public table's rows (as one digest each), the selection file and the phase. */
    private static Map<String, String> snapshot(String database, Path data) throws Exception {
        Map<String, String> state = new TreeMap<>();
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rows = statement.executeQuery(
                        "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
                        + " FROM \"" + table + "\" t")) {
                    rows.next();
                    state.put(table, rows.getString(1));
                }
            }
        }
        try (var files = Files.list(data)) {
            for (Path file : files.sorted().toList()) {
                state.put("file " + file.getFileName(), Files.readString(file));
            }
        }
        return state;
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static List<String> manyHeaders(int count) {
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            headers.add("X-Fault-" + i + ": " + i);
        }
        return headers;
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…(" + text.length() + ")" : text;
    }
}
