package com.deploystack.backend.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseConfiguration;
import com.deploystack.backend.db.DatabaseNotAvailableException;
import com.deploystack.backend.settings.EncryptionKeys;
import com.deploystack.backend.settings.GlobalSettings;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class ManagementRoutesTest {

    private static final String TOKEN = "test-admin-token-0123456789";
    private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};

    @TempDir
    Path data;
    private String database;
    private TestService service;

    @BeforeEach
    void start() {
        database = TestPostgres.get().createDatabase("management");
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        service = TestService.start(env, data);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    /** Every management route of the routing table, with its path parameters filled in. */
    private static List<String[]> managementRoutes() {
        Database unconfigured = Database.create(DatabaseConfiguration.read(Map.of("POSTGRES_EMBEDDED", "false"), null));
        GlobalSettings settings = new GlobalSettings(unconfigured, new EncryptionKeys(() -> {
            throw new AssertionError("no key is needed to answer 401 or 503");
        }), Duration.ZERO);
        return Routes.management(unconfigured, settings, 65536).stream()
                .map(endpoint -> new String[] {endpoint.method().text(),
                        endpoint.path().replaceAll("\\{[^}]+}", "some-id")})
                .toList();
    }

    private static String bodyFor(String method) {
        return method.equals("POST") || method.equals("PUT") ? "{\"name\":\"x\"}" : null;
    }

    @Test
    void everyManagementRouteAnswers401WithoutOrWithAWrongToken() {
        List<String[]> routes = managementRoutes();
        assertThat(routes.size(), is(21));
        for (String[] route : routes) {
            for (String[] headers : List.of(new String[0], new String[] {"Authorization", "Bearer wrong"},
                                            new String[] {"Authorization", TOKEN})) {
                TestService.Response response = service.request(route[0], route[1], bodyFor(route[0]), headers);
                assertThat(route[0] + " " + route[1], response.status(), is(401));
                assertThat(response.json().getBoolean("success"), is(false));
                assertThat(response.json().getString("error"), containsString("admin token"));
            }
        }
    }

    @Test
    void everyManagementRouteAnswers503WithTheSpecMessageBeforeSetup() {
        service.awaitSetupPerformed(false, Duration.ofSeconds(30));
        for (String[] route : managementRoutes()) {
            TestService.Response response = service.request(route[0], route[1], bodyFor(route[0]), AUTH);
            assertThat(route[0] + " " + route[1], response.status(), is(503));
            assertThat(response.json().getString("error"), is(DatabaseNotAvailableException.MESSAGE));
        }
    }

    @Test
    void teamsAreCreatedReadRenamedAndDeleted() {
        assertThat(service.setup().status(), is(200));
        TestService.Response created = service.request("POST", "/api/teams", "{\"name\":\"Platform Team\"}", AUTH);
        assertThat(created.status(), is(201));
        JsonObject team = created.json().getJsonObject("data");
        assertThat(team.getString("slug"), is("platform-team"));
        String path = "/api/teams/" + team.getString("id");

        assertThat(service.request("GET", path, null, AUTH).json().getJsonObject("data").getString("name"),
                   is("Platform Team"));
        TestService.Response renamed = service.request("PUT", path, "{\"name\":\"Core\"}", AUTH);
        assertThat(renamed.status(), is(200));
        assertThat(renamed.json().getJsonObject("data").getString("name"), is("Core"));
        TestService.Response deleted = service.request("DELETE", path, null, AUTH);
        assertThat(deleted.body(), is("{\"success\":true,\"data\":{\"id\":\"" + team.getString("id")
                                      + "\",\"deleted\":true}}"));
        for (String method : List.of("GET", "PUT", "DELETE")) {
            TestService.Response missing = service.request(method, path, bodyFor(method), AUTH);
            assertThat(method, missing.status(), is(404));
            assertThat(missing.body(), is("{\"success\":false,\"error\":\"Team not found\"}"));
        }
    }

    @Test
    void installationsAnswerLikeDeployStack() throws Exception {
        assertThat(service.setup().status(), is(200));
        String teamId = service.request("POST", "/api/teams", "{\"name\":\"Ops\"}", AUTH).json()
                .getJsonObject("data").getString("id");
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO mcp_servers (id, name, slug) VALUES ('fs', 'Filesystem', 'filesystem')");
        }
        String base = "/api/teams/" + teamId + "/mcp/installations";
        TestService.Response installed = service.request("POST", base, "{\"server_id\":\"fs\",\"installation_name\":"
                + "\"files\",\"configuration\":{\"root\":\"/srv\",\"readonly\":true}}", AUTH);
        assertThat(installed.status(), is(201));
        JsonObject installation = installed.json().getJsonObject("data");
        assertThat(installation.getJsonObject("configuration").getBoolean("readonly"), is(true));
        assertThat(service.request("GET", base, null, AUTH).json().getJsonArray("data").size(), is(1));

        TestService.Response missing = service.request("DELETE", base + "/no-such-installation", null, AUTH);
        assertThat(missing.status(), is(404));
        assertThat(missing.body(), is("{\"success\":false,\"error\":\"Installation not found\"}"));
        TestService.Response deleted = service.request("DELETE", base + "/" + installation.getString("id"), null, AUTH);
        assertThat(deleted.status(), is(200));
        assertThat(deleted.body(), is("{\"success\":true,\"data\":{\"id\":\"" + installation.getString("id")
                                      + "\",\"deleted\":true}}"));
        assertThat(service.request("GET", "/api/teams/nope/mcp/installations", null, AUTH).status(), is(404));
    }

    @Test
    void constraintViolationsAnswerTheRightStatusWithASentenceAndNoPostgresText() throws Exception {
        assertThat(service.setup().status(), is(200));
        String teamId = service.request("POST", "/api/teams", "{\"name\":\"Ops\",\"slug\":\"ops\"}", AUTH).json()
                .getJsonObject("data").getString("id");
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO mcp_servers (id, name, slug) VALUES ('fs', 'Filesystem', 'filesystem')");
        }
        String base = "/api/teams/" + teamId + "/mcp/installations";
        record Case(String method, String path, String body, int status, String error) {
        }
        List<Case> cases = List.of(
                new Case("POST", "/api/teams", "{\"name\":\"Ops again\",\"slug\":\"ops\"}", 409,
                         "A team with this slug already exists."),
                new Case("POST", base, "{\"server_id\":\"nope\",\"installation_name\":\"a\"}", 400,
                         "The MCP server does not exist."),
                new Case("POST", base, "{\"server_id\":\"fs\",\"installation_name\":\"a\",\"installation_type\":\"x\"}",
                         400, "Field \"installation_type\" must be \"local\" or \"cloud\"."),
                new Case("POST", "/api/teams", "{\"name\":\"x\",\"slug\":\"Not A Slug\"}", 400,
                         "Field \"slug\" may hold only lowercase letters, digits and single dashes."),
                new Case("POST", "/api/teams", "{\"name\":5}", 400, "Field \"name\" must be a string."),
                new Case("POST", "/api/teams", "{\"name\":\"x\",\"owner\":1}", 400, "Unknown field owner."),
                new Case("POST", "/api/projects", "{\"name\":\"   \"}", 400, "Field \"name\" must not be empty."),
                new Case("POST", "/api/projects", "[1]", 400, "Request body must be a JSON object."),
                new Case("GET", "/api/projects?limit=0", null, 400,
                         "Query parameter \"limit\" must be a whole number from 1 to 1000."));
        for (Case c : cases) {
            TestService.Response response = service.request(c.method(), c.path(), c.body(), AUTH);
            assertThat(c.body(), response.status(), is(c.status()));
            assertThat(response.body(), is("{\"success\":false,\"error\":" + jsonString(c.error()) + "}"));
        }
        assertThat(service.request("POST", base, "{\"server_id\":\"fs\",\"installation_name\":\"dup\"}", AUTH).status(),
                   is(201));
        TestService.Response duplicate = service.request("POST", base,
                                                         "{\"server_id\":\"fs\",\"installation_name\":\"dup\"}", AUTH);
        assertThat(duplicate.status(), is(409));
        assertThat(duplicate.body(), not(containsString("duplicate key")));
        assertThat(duplicate.body(), not(containsString("INSERT")));
    }

    @Test
    void revokeExpiredAnswersTheCount(@TempDir Path other) throws Exception {
        // without the scheduled sweep, which would otherwise delete the expired token first
        service.close();
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        service = TestService.start(env, other, Path.of("migrations"), Map.of("tokens.sweep.interval", "0"));
        assertThat(service.setup().status(), is(200));
        TestPostgres.get().insertAccessTokens(database, "-1 day", "1 day");
        TestService.Response response = service.request("POST", "/api/admin/tokens/revoke-expired", null, AUTH);
        assertThat(response.status(), is(200));
        assertThat(response.body(), is("{\"success\":true,\"data\":{\"revoked\":1}}"));
    }

    @Test
    void expiredTokensAreAlsoSweptOnTheConfiguredSchedule(@TempDir Path other) throws Exception {
        service.close();
        Map<String, String> env = TestPostgres.get().environment(database);
        service = TestService.start(env, other, Path.of("migrations"), Map.of("tokens.sweep.interval", "1"));
        assertThat(service.setup().status(), is(200));
        TestPostgres.get().insertAccessTokens(database, "-1 day");
        long deadline = System.nanoTime() + 10_000_000_000L;
        long left;
        do {
            TestService.sleep(200);
            left = TestPostgres.get().queryCount(database, "SELECT count(*) FROM oauth_access_tokens");
        } while (left > 0 && System.nanoTime() < deadline);
        assertThat("the sweeper deleted the expired token", left, is(0L));
    }

    @Test
    void withoutTheVariableATokenIsGeneratedOnceIntoAPrivateFileAndNeverLogged(@TempDir Path other) throws Exception {
        try (TestService generated = TestService.start(TestPostgres.get().environment(database), other)) {
            Path file = other.resolve("admin.token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), is("rw-------"));
            String token = Files.readString(file).strip();
            assertThat(token.length(), is(64));
            assertThat(generated.request("GET", "/api/projects", null, "Authorization", "Bearer " + token).status(),
                       is(503));
            for (String line : TestService.logs()) {
                assertThat(line, not(containsString(token)));
            }
        }
    }

    private static String jsonString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
