package com.deploystack.backend.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import com.deploystack.backend.settings.EncryptionSecret;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** Replicas that share a settings key through {@code DEPLOYSTACK_ENCRYPTION_KEY_FILE}, each with its own data. */
class SharedKeyFileTest {

    private static final String TOKEN = "shared-key-admin-token-0123456789";
    private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
    private static final String SMTP_PASSWORD = "smtp-password-both-replicas-read";

    @Test
    void replicasGivenTheSameKeyFileReadEachOthersSecretsAndAnotherKeyStopsAtFailed(
            @TempDir Path secrets, @TempDir Path first, @TempDir Path second, @TempDir Path third) throws Exception {
        String key = randomKey();
        Path keyFile = Files.writeString(secrets.resolve("settings.key"), key + "\n");
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(
                TestPostgres.get().createDatabase("shared_key")));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        env.put(EncryptionSecret.KEY_FILE_VARIABLE, keyFile.toString());
        try (TestService one = TestService.start(env, first)) {
            assertThat(one.setup().status(), is(200));
            assertThat(one.request("PUT", "/api/settings/smtp.password", "{\"value\":\"" + SMTP_PASSWORD + "\"}", AUTH)
                               .status(), is(200));
            try (TestService two = TestService.start(env, second)) {
                two.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
                JsonObject read = two.request("GET", "/api/settings/smtp.password", null, AUTH).json();
                assertThat(read.toString(), read.getJsonObject("data").getString("value"), is(SMTP_PASSWORD));
            }
        }
        for (Path data : new Path[] {first, second}) {
            assertThat("a replica given a key generates none", Files.exists(data.resolve(EncryptionSecret.FILE_NAME)),
                       is(false));
        }

        Path otherKey = Files.writeString(secrets.resolve("other.key"), randomKey());
        env.put(EncryptionSecret.KEY_FILE_VARIABLE, otherKey.toString());
        try (TestService wrong = TestService.start(env, third)) {
            JsonObject status = wrong.awaitPhase("FAILED", Duration.ofSeconds(30));
            assertThat("the unauthenticated status names the file, not where it lies", status.getString("error"),
                       containsString("The settings encryption secret from the key file other.key"
                                      + " (DEPLOYSTACK_ENCRYPTION_KEY_FILE) does not match the key"));
            assertThat(status.getString("error"), not(containsString(secrets.toString())));
            assertThat(wrong.get("/observe/health/ready").status(), is(503));
        }
        assertThat(TestService.logs().stream().noneMatch(line -> line.contains(key)), is(true));
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }
}
