package com.deploystack.backend.search;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** {@code GET /api/mcp/servers?q=} on a known catalog: ranking, stemming, phrases, exclusions, bounds, errors. */
@Timeout(120)
class McpServerSearchTest {

    private static final String TOKEN = "search-admin-token-0123456789";
    private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};

    @TempDir
    static Path data;
    private static TestService service;

    @BeforeAll
    static void start() {
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(
                TestPostgres.get().createDatabase("search")));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        service = TestService.start(env, data);
        assertThat(service.setup().status(), is(200));
        add("{\"name\":\"GitHub\",\"description\":\"Issues and pull requests of a repository\","
            + "\"tags\":[\"git\",\"code\"]}");
        add("{\"name\":\"Postgres Server\",\"description\":\"Queries a PostgreSQL database: tables and rows\","
            + "\"tags\":[\"database\",\"sql\"]}");
        add("{\"name\":\"File system\",\"description\":\"Reads files from a server's disk; no database\","
            + "\"tags\":[\"files\"]}");
        add("{\"name\":\"Slack\",\"description\":\"Posts messages to channels <script>alert(1)</script>\","
            + "\"tags\":[\"chat\"],\"transport_type\":\"http\"}");
        add("{\"name\":\"Search engine\",\"description\":\"Web search with a database of pages, ranked\","
            + "\"tags\":[\"web\"]}");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static void add(String json) {
        TestService.Response response = service.request("POST", "/api/mcp/servers", json, AUTH);
        assertThat(response.body(), response.status(), is(201));
    }

    private static JsonArray search(String query) {
        TestService.Response response = service.request("GET", "/api/mcp/servers?q=" + query, null, AUTH);
        assertThat(response.body(), response.status(), is(200));
        return response.json().getJsonArray("data");
    }

    private static List<String> names(JsonArray hits) {
        return hits.stream().map(hit -> hit.asJsonObject().getString("name")).toList();
    }

    @Test
    void aNameMatchRanksAboveATagMatchAboveADescriptionMatch() {
        JsonArray hits = search("database");
        // name "Postgres Server" has no "database", but its tag and description do; the others only in the text
        assertThat(names(hits), is(List.of("Postgres Server", "File system", "Search engine")));
        assertThat(hits.getJsonObject(0).getJsonNumber("rank").doubleValue(),
                   greaterThan(hits.getJsonObject(2).getJsonNumber("rank").doubleValue()));
        List<String> byName = names(search("github"));
        assertThat(byName, is(List.of("GitHub")));
    }

    @Test
    void stemmingFindsServerForServers() {
        assertThat(names(search("servers")), is(List.of("Postgres Server", "File system")));
        assertThat(names(search("querying")), is(List.of("Postgres Server")));
    }

    @Test
    void phrasesAndExcludedWordsFollowWebSearchSyntax() {
        assertThat(names(search("%22pull+requests%22")), is(List.of("GitHub")));
        assertThat(names(search("%22requests+pull%22")), is(empty()));
        assertThat(names(search("database+-files")), is(List.of("Postgres Server", "Search engine")));
        assertThat(names(search("slack+or+github")).size(), is(2));
    }

    @Test
    void highlightsMarkTheMatchedWordsAndEscapeEverythingElse() {
        JsonObject postgres = search("tables").getJsonObject(0);
        assertThat(postgres.getJsonObject("highlight").getString("description"), containsString("<mark>tables</mark>"));
        JsonObject slack = search("messages").getJsonObject(0);
        String description = slack.getJsonObject("highlight").getString("description");
        assertThat(description, containsString("<mark>messages</mark>"));
        assertThat(description, not(containsString("<script>")));
        assertThat(description, containsString("&lt;script&gt;"));
        assertThat(slack.getString("transport_type"), is("http"));
        assertThat(slack.getJsonArray("tags").getValuesAs(JsonString.class).getFirst().getString(), is("chat"));
    }

    @Test
    void malformedQueriesAnswerWithoutSqlErrorText() {
        for (String query : List.of("%27%3B+DROP+TABLE+mcp_servers%3B--", "%28%28%28", "%21%21%21+%26%26+%7C%7C",
                                    "a%3A*B", "%5C", "the")) {
            TestService.Response response = service.request("GET", "/api/mcp/servers?q=" + query, null, AUTH);
            assertThat(query, response.status(), is(200));
            assertThat(response.body(), not(containsString("syntax")));
            assertThat(response.body(), not(containsString("ERROR")));
        }
        assertThat(search("the").size(), is(0));
        assertThat(names(search("github")), is(List.of("GitHub")));
        for (String query : List.of("", "+++", "x".repeat(201))) {
            TestService.Response response = service.request("GET", "/api/mcp/servers?q=" + query, null, AUTH);
            assertThat(query, response.status(), is(400));
            assertThat(response.json().getString("error"), containsString("\"q\""));
        }
    }

    @Test
    void theLimitIsBounded() {
        assertThat(service.request("GET", "/api/mcp/servers?q=database&limit=1", null, AUTH).json()
                           .getJsonArray("data").size(), is(1));
        assertThat(service.request("GET", "/api/mcp/servers?limit=2", null, AUTH).json()
                           .getJsonArray("data").size(), is(2));
        for (String limit : List.of("0", "101", "-1", "abc", "99999999999")) {
            TestService.Response response = service.request("GET", "/api/mcp/servers?q=database&limit=" + limit, null,
                                                            AUTH);
            assertThat(limit, response.status(), is(400));
            assertThat(response.json().getString("error"), containsString("from 1 to 100"));
        }
    }

    @Test
    void withoutAQueryTheCatalogIsListedByName() {
        assertThat(names(service.request("GET", "/api/mcp/servers", null, AUTH).json().getJsonArray("data")),
                   is(List.of("File system", "GitHub", "Postgres Server", "Search engine", "Slack")));
    }

    @Test
    void addingAServerValidatesItsFieldsWith4xxAnswers() {
        Map<String, Integer> bodies = Map.of(
                "{}", 400,
                "{\"name\":\"\"}", 400,
                "{\"name\":5}", 400,
                "{\"name\":\"x\",\"tags\":\"git\"}", 400,
                "{\"name\":\"x\",\"tags\":[1]}", 400,
                "{\"name\":\"x\",\"transport_type\":\"carrier-pigeon\"}", 400,
                "{\"name\":\"x\",\"slug\":\"Not A Slug\"}", 400,
                "{\"name\":\"x\",\"owner\":\"me\"}", 400,
                "{\"name\":\"GitHub\"}", 409,
                "[1,2]", 400);
        bodies.forEach((body, status) -> {
            TestService.Response response = service.request("POST", "/api/mcp/servers", body, AUTH);
            assertThat(body + " → " + response.body(), response.status(), is(status));
            assertThat(response.json().getBoolean("success"), is(false));
        });
        assertThat(service.request("POST", "/api/mcp/servers", "{\"name\":\"y\"}").status(), is(401));
        assertThat(service.request("GET", "/api/mcp/servers?q=x", null).status(), is(401));
    }
}
