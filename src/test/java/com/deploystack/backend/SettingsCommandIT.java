package com.deploystack.backend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** {@code settings rotate-key} on the packaged jar: exit codes, and every secret readable under the new key. */
class SettingsCommandIT {

    private static final Duration COMMAND = Duration.ofSeconds(60);
    private static final String TOKEN = "rotate-admin-token-0123456789";
    private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
    private static final String OLD_SECRET = "the-old-encryption-secret-0123";
    private static final String NEW_SECRET = "the-new-encryption-secret-4567";
    private static final String PASSWORD = "smtp-password-to-keep-readable";

    @TempDir
    Path data;

    @Test
    void rotateKeyReEncryptsEverySecretSoThatOnlyTheNewSecretReadsThem(@TempDir Path keys) throws Exception {
        String database = TestPostgres.get().createDatabase("rotate");
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        env.put("DEPLOYSTACK_ENCRYPTION_SECRET", OLD_SECRET);
        env.put("PATHS_DATA", data.toString());
        try (TestService service = TestService.start(env, data)) {
            assertThat(service.setup().status(), is(200));
            assertThat(service.request("PUT", "/api/settings/smtp.password", "{\"value\":\"" + PASSWORD + "\"}", AUTH)
                               .status(), is(200));
            assertThat(service.request("PUT", "/api/settings/github-app.private_key_base64", "{\"value\":\"LS0tkey\"}",
                                       AUTH).status(), is(200));
        }

        ServiceProcess.Result withoutNew = ServiceProcess.run(env, COMMAND, "settings", "rotate-key");
        assertThat(withoutNew.output(), withoutNew.exitCode(), is(2));
        assertThat(withoutNew.output(), containsString(
                "neither DEPLOYSTACK_ENCRYPTION_SECRET_NEW nor DEPLOYSTACK_ENCRYPTION_KEY_FILE_NEW is set"));
        assertThat(ServiceProcess.run(env, COMMAND, "settings", "spin").exitCode(), is(2));

        Map<String, String> wrongCurrent = new HashMap<>(env);
        wrongCurrent.put("DEPLOYSTACK_ENCRYPTION_SECRET", "not-the-secret-used-before");
        wrongCurrent.put("DEPLOYSTACK_ENCRYPTION_SECRET_NEW", NEW_SECRET);
        ServiceProcess.Result wrong = ServiceProcess.run(wrongCurrent, COMMAND, "settings", "rotate-key");
        assertThat(wrong.output(), wrong.exitCode(), is(5));
        assertThat(wrong.output(), containsString("does not match"));

        Map<String, String> rotate = new HashMap<>(env);
        rotate.put("DEPLOYSTACK_ENCRYPTION_SECRET_NEW", NEW_SECRET);
        ServiceProcess.Result rotated = ServiceProcess.run(rotate, COMMAND, "settings", "rotate-key");
        assertThat(rotated.output(), rotated.exitCode(), is(0));
        assertThat(rotated.output(), containsString("Re-encrypted 2 setting values"));
        assertThat(rotated.output(), not(containsString(NEW_SECRET)));
        assertThat(rotated.output(), not(containsString(OLD_SECRET)));

        try (TestService old = TestService.start(env, data)) {
            assertThat(old.awaitPhase("FAILED", Duration.ofSeconds(30)).getString("error"),
                       containsString("does not match"));
        }
        Map<String, String> next = new HashMap<>(env);
        next.put("DEPLOYSTACK_ENCRYPTION_SECRET", NEW_SECRET);
        assertSecretsReadable(next);

        // from the passphrase to a key file that replicas share: HKDF from then on, no PBKDF2 at a start
        Path keyFile = keys.resolve("settings.key");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.writeString(keyFile, HexFormat.of().formatHex(key) + "\n");
        Map<String, String> toKeyFile = new HashMap<>(next);
        toKeyFile.put("DEPLOYSTACK_ENCRYPTION_KEY_FILE_NEW", keyFile.toString());
        ServiceProcess.Result moved = ServiceProcess.run(toKeyFile, COMMAND, "settings", "rotate-key");
        assertThat(moved.output(), moved.exitCode(), is(0));
        assertThat(moved.output(), containsString("Start the service with DEPLOYSTACK_ENCRYPTION_KEY_FILE naming the"
                                                  + " new key file."));
        assertThat(moved.output(), not(containsString(HexFormat.of().formatHex(key))));
        Map<String, String> withKeyFile = new HashMap<>(env);
        withKeyFile.remove("DEPLOYSTACK_ENCRYPTION_SECRET");
        withKeyFile.put("DEPLOYSTACK_ENCRYPTION_KEY_FILE", keyFile.toString());
        assertSecretsReadable(withKeyFile);
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement();
             ResultSet active = statement.executeQuery(
                     "SELECT kdf, iterations FROM global_settings_keys WHERE active")) {
            assertThat(active.next(), is(true));
            assertThat(active.getString(1), is("hkdf-sha256"));
            assertThat(active.getInt(2), is(1));
        }
    }

    private void assertSecretsReadable(Map<String, String> env) {
        try (TestService service = TestService.start(env, data)) {
            service.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
            assertThat(service.request("GET", "/api/settings/smtp.password", null, AUTH).json().getJsonObject("data")
                               .getString("value"), is(PASSWORD));
            assertThat(service.application().settings().getString("github-app.private_key_base64"), is("LS0tkey"));
        }
    }
}
