package com.deploystack.backend.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.settings.GlobalSettings;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The settings routes, typed access and the settings step inside the real service. */
class SettingsRoutesTest {

    private static final String TOKEN = "settings-admin-token-0123456789";
    private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
    private static final String SECRET = "settings-routes-encryption-secret";
    private static final String SMTP_PASSWORD = "Smtp-Pa55word-that-must-stay-secret";
    private static final String WEBHOOK_SECRET = "whsec-that-must-stay-secret-too";

    @TempDir
    Path data;
    @TempDir
    Path work;
    private String database;
    private Map<String, String> env;
    private TestService service;

    @BeforeEach
    void start() {
        database = TestPostgres.get().createDatabase("settings_routes");
        env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        env.put("DEPLOYSTACK_ENCRYPTION_SECRET", SECRET);
        service = TestService.start(env, data);
        assertThat(service.setup().status(), is(200));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private TestService.Response put(String key, String body) {
        return service.request("PUT", "/api/settings/" + key, body, AUTH);
    }

    private JsonObject get(String key) {
        TestService.Response response = service.request("GET", "/api/settings/" + key, null, AUTH);
        assertThat(response.body(), response.status(), is(200));
        return response.json().getJsonObject("data");
    }

    @Test
    void theListHoldsEveryGroupInOrderWithItsSettingsAndEncryptedValuesMasked() {
        assertThat(put("smtp.password", "{\"value\":\"" + SMTP_PASSWORD + "\"}").status(), is(200));
        TestService.Response response = service.request("GET", "/api/settings", null, AUTH);
        assertThat(response.status(), is(200));
        assertThat(response.body(), not(containsString(SMTP_PASSWORD)));
        JsonArray groups = response.json().getJsonArray("data");
        assertThat(groups.stream().map(group -> group.asJsonObject().getString("id")).toList(),
                   is(List.of("global", "smtp", "team", "github-oauth", "user-display", "github-app", "deployment")));
        JsonObject smtp = groups.getJsonObject(1);
        assertThat(smtp.getString("name"), is("SMTP Mail Settings"));
        Map<String, JsonObject> settings = new HashMap<>();
        smtp.getJsonArray("settings").forEach(s -> settings.put(s.asJsonObject().getString("key"), s.asJsonObject()));
        assertThat(settings.get("smtp.password").getString("value"), is(SettingsHandlers.MASK));
        assertThat(settings.get("smtp.password").getBoolean("is_encrypted"), is(true));
        assertThat(settings.get("smtp.port").getInt("value"), is(587));
        assertThat(settings.get("smtp.secure").getBoolean("value"), is(true));
        assertThat(settings.get("smtp.host").getString("value"), is(""));
        JsonObject deployment = groups.getJsonObject(6);
        deployment.getJsonArray("settings").stream().map(JsonValue::asJsonObject)
                .filter(s -> s.getString("key").equals("deployment.webhook_secret"))
                .forEach(s -> assertThat(s.isNull("value"), is(true)));

        TestService.Response group = service.request("GET", "/api/settings/group/smtp", null, AUTH);
        assertThat(group.status(), is(200));
        assertThat(group.json().getJsonObject("data").getJsonArray("settings").size(), is(8));
        assertThat(group.body(), not(containsString(SMTP_PASSWORD)));
        TestService.Response missing = service.request("GET", "/api/settings/group/nope", null, AUTH);
        assertThat(missing.status(), is(404));
        assertThat(missing.body(), is("{\"success\":false,\"error\":\"Setting group not found\"}"));
    }

    @Test
    void theAdminReadsOneSecretDecryptedWhileTheColumnHoldsOnlyCiphertext() throws Exception {
        TestService.Response saved = put("smtp.password", "{\"value\":\"" + SMTP_PASSWORD + "\"}");
        assertThat(saved.status(), is(200));
        assertThat(saved.body(), not(containsString(SMTP_PASSWORD)));
        assertThat(put("deployment.webhook_secret", "{\"value\":\"" + WEBHOOK_SECRET + "\"}").status(), is(200));
        assertThat(get("smtp.password").getString("value"), is(SMTP_PASSWORD));
        assertThat(service.application().settings().getString("deployment.webhook_secret"), is(WEBHOOK_SECRET));

        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT s.*::text, is_encrypted, value FROM global_settings s"
                                                     + " UNION ALL SELECT k.*::text, false, null FROM global_settings_keys k")) {
            int encrypted = 0;
            while (rows.next()) {
                assertThat(rows.getString(1), not(containsString(SMTP_PASSWORD)));
                assertThat(rows.getString(1), not(containsString(WEBHOOK_SECRET)));
                assertThat(rows.getString(1), not(containsString(SECRET)));
                if (rows.getBoolean(2) && rows.getString(3) != null) {
                    assertThat(rows.getString(3), startsWith("v1:"));
                    encrypted++;
                }
            }
            assertThat(encrypted, is(2));
        }
        for (String line : TestService.logs()) {
            assertThat(line, not(containsString(SMTP_PASSWORD)));
            assertThat(line, not(containsString(WEBHOOK_SECRET)));
            assertThat(line, not(containsString(SECRET)));
        }
    }

    @Test
    void aCiphertextCopiedOntoAnotherSettingIsRefusedWithAClearErrorNotGarbage() throws Exception {
        assertThat(put("smtp.password", "{\"value\":\"" + SMTP_PASSWORD + "\"}").status(), is(200));
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("UPDATE global_settings SET value = (SELECT value FROM global_settings WHERE key ="
                              + " 'smtp.password') WHERE key = 'github-oauth.client_secret'");
        }
        TestService.Response response = service.request("GET", "/api/settings/github-oauth.client_secret", null, AUTH);
        assertThat(response.status(), is(500));
        assertThat(response.json().getString("error"), containsString("github-oauth.client_secret failed authentication"));
        assertThat(response.body(), not(containsString(SMTP_PASSWORD)));
    }

    @Test
    void valuesAreTypeCheckedAndUnknownKeysAnswer404() {
        record Case(String key, String body, int status, String error) {
        }
        for (Case c : List.of(
                new Case("smtp.port", "{\"value\":\"abc\"}", 400, "Setting smtp.port is a number: \"value\" must be a number."),
                new Case("smtp.port", "{\"value\":true}", 400, "Setting smtp.port is a number: \"value\" must be a number."),
                new Case("smtp.port", "{\"value\":0}", 400, "Setting smtp.port must be a whole number from 1 to 65535."),
                new Case("smtp.port", "{\"value\":65536}", 400, "Setting smtp.port must be a whole number from 1 to 65535."),
                new Case("smtp.port", "{\"value\":587.5}", 400, "Setting smtp.port must be a whole number from 1 to 65535."),
                new Case("smtp.port", "{\"value\":\"-1\"}", 400, "Setting smtp.port must be a whole number from 1 to 65535."),
                new Case("smtp.port", "{\"value\":1e999999999}", 400, "Request body holds a number longer than 64 digits written out."),
                new Case("smtp.port", "{\"value\":\"1e999999999\"}", 400, "Setting smtp.port is a number: \"value\" must be a number."),
                new Case("team.creation_limit", "{\"value\":-1}", 400,
                         "Setting team.creation_limit must be a whole number from 1 to 1000000."),
                new Case("smtp.secure", "{\"value\":\"yes\"}", 400,
                         "Setting smtp.secure is a boolean: \"value\" must be true or false."),
                new Case("smtp.host", "{\"value\":5}", 400, "Setting smtp.host is a string: \"value\" must be a string."),
                new Case("smtp.host", "{}", 400, "Field \"value\" is required (null empties the setting)."),
                new Case("smtp.host", "{\"value\":\"x\",\"other\":1}", 400, "Unknown field other."),
                new Case("smtp.host", "[1]", 400, "Request body must be a JSON object."),
                new Case("no.such_key", "{\"value\":\"x\"}", 404, "Setting not found"))) {
            TestService.Response response = put(c.key(), c.body());
            assertThat(c.body(), response.status(), is(c.status()));
            assertThat(c.body(), response.json().getString("error"), is(c.error()));
        }
        assertThat(service.request("GET", "/api/settings/no.such_key", null, AUTH).status(), is(404));

        assertThat(put("smtp.port", "{\"value\":465}").json().getJsonObject("data").getInt("value"), is(465));
        assertThat(put("smtp.port", "{\"value\":65535}").status(), is(200));
        assertThat(put("smtp.port", "{\"value\":6.5e1}").json().getJsonObject("data").getInt("value"), is(65));
        assertThat(put("smtp.port", "{\"value\":\"2525\"}").status(), is(200));
        assertThat(put("smtp.secure", "{\"value\":false}").status(), is(200));
        assertThat(put("smtp.host", "{\"value\":\"mail.example.com\"}").status(), is(200));
        GlobalSettings settings = service.application().settings();
        assertThat(settings.getNumber("smtp.port").orElseThrow().intValue(), is(2525));
        assertThat(settings.getBoolean("smtp.secure"), is(false));
        assertThat(settings.getBoolean("global.enable_login"), is(true));
        assertThat(settings.getString("smtp.host"), is("mail.example.com"));
        assertThat(put("smtp.port", "{\"value\":null}").status(), is(200));
        assertThat(settings.getNumber("smtp.port").isPresent(), is(false));
        assertThrows(IllegalArgumentException.class, () -> settings.getBoolean("smtp.host"));
        assertThrows(IllegalArgumentException.class, () -> settings.getString("no.such_key"));
    }

    @Test
    void anAdminChangedValueSurvivesARestart() {
        assertThat(put("global.enable_login", "{\"value\":false}").status(), is(200));
        assertThat(put("smtp.password", "{\"value\":\"" + SMTP_PASSWORD + "\"}").status(), is(200));
        service.close();
        service = TestService.start(env, data);
        service.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
        assertThat(get("global.enable_login").getBoolean("value"), is(false));
        assertThat(get("smtp.password").getString("value"), is(SMTP_PASSWORD));
        assertThat(service.application().settings().getBoolean("global.enable_login"), is(false));
    }

    @Test
    void aChangeThroughOneReplicaIsSeenByAnotherWithinTheCacheExpiry() {
        try (TestService other = TestService.start(env, work, Path.of("migrations"),
                                                   Map.of("settings.cache.ttl", "1000"))) {
            other.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
            GlobalSettings otherSettings = other.application().settings();
            assertThat(otherSettings.getString("smtp.from_name"), is("DeployStack"));
            long changed = System.nanoTime();
            assertThat(put("smtp.from_name", "{\"value\":\"Ops Team\"}").status(), is(200));
            assertThat("this replica sees its own change at once",
                       service.application().settings().getString("smtp.from_name"), is("Ops Team"));
            while (!otherSettings.getString("smtp.from_name").equals("Ops Team")
                   && System.nanoTime() - changed < Duration.ofSeconds(10).toNanos()) {
                TestService.sleep(20);
            }
            long seenAfter = Duration.ofNanos(System.nanoTime() - changed).toMillis();
            assertThat(otherSettings.getString("smtp.from_name"), is("Ops Team"));
            assertThat("seen within the 1000 ms expiry (plus scheduling slack)", seenAfter, lessThan(2000L));
        }
    }

    @Test
    void aMalformedModuleStopsStartUpAtFailedNamingFileAndKeyWhileStatusAndHealthAnswer() throws Exception {
        service.close();
        Path modules = Files.createDirectories(work.resolve("modules"));
        Files.writeString(modules.resolve("smtp.yaml"), """
                id: smtp
                name: SMTP
                settings:
                  - {key: smtp.port, name: Port, type: number, default: "587", description: Port}
                """);
        service = TestService.start(env, data, Path.of("migrations"), Map.of("paths.settings", modules.toString()));
        JsonObject status = service.awaitPhase("FAILED", Duration.ofSeconds(30));
        assertThat(status.getString("error"), containsString("Settings module smtp.yaml, key smtp.port"));
        assertThat("the unauthenticated status names the file, the log its full path",
                   status.getString("error").contains(modules.toString()), is(false));
        assertThat(TestService.logs().stream().anyMatch(line -> line.contains(modules.resolve("smtp.yaml")
                                                                               + ", key smtp.port")), is(true));
        assertThat(status.getString("error"), containsString("default \"587\" is not a number"));
        assertThat(service.get("/observe/health/live").status(), is(200));
        assertThat(service.request("GET", "/api/settings", null, AUTH).status(), is(503));
    }

    @Test
    void aWrongEncryptionSecretStopsStartUpAtFailedWithAClearError(@TempDir Path otherData) {
        service.close();
        Map<String, String> wrong = new HashMap<>(env);
        wrong.put("DEPLOYSTACK_ENCRYPTION_SECRET", "a-different-but-long-secret");
        service = TestService.start(wrong, otherData);
        JsonObject status = service.awaitPhase("FAILED", Duration.ofSeconds(30));
        assertThat(status.getString("error"), containsString("DEPLOYSTACK_ENCRYPTION_SECRET does not match the key"));
        assertThat(status.toString(), not(containsString("a-different-but-long-secret")));
        assertThat(service.get("/api/db/status").status(), is(200));
        service.close();
        service = TestService.start(env, otherData);
        assertThat(service.awaitPhase("INITIALIZED", Duration.ofSeconds(30)).getBoolean("initialized"), is(true));
        assertThat(get("smtp.port").getInt("value"), is(587));
    }
}
