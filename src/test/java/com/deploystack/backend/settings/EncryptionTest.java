package com.deploystack.backend.settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.support.GeneratedDefinitions;
import com.deploystack.backend.support.LogCapture;
import com.deploystack.backend.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.sameInstance;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** AES-256-GCM values, the key's derivation and check against the database, and key rotation. */
class EncryptionTest {

    private static final String PASSPHRASE = "a-long-test-passphrase-0123456789";

    static {
        LogCapture.install();
    }

    @TempDir
    Path data;

    private static EncryptionSecret passphrase(String text) {
        return EncryptionSecret.current(Map.of(EncryptionSecret.VARIABLE, text), Path.of("unused"));
    }

    private static SettingsCipher randomCipher() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SettingsCipher(KeyDerivation.keyId(key), key);
    }

    /** The database of the last {@link #migrated()}. */
    private String database;

    private Connection migrated() throws SQLException {
        database = TestPostgres.get().createDatabase("encryption");
        TestPostgres.get().migrate(database, Path.of("migrations"));
        return TestPostgres.get().connect(database);
    }

    /** The active key's derivation as {@code global_settings_keys} stores it (the salt's length in base64). */
    record ActiveKey(String kdf, int iterations, int saltLength) {
    }

    private static ActiveKey activeKey(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT kdf, iterations, length(salt) FROM global_settings_keys WHERE active");
             ResultSet row = statement.executeQuery()) {
            assertThat("an active key", row.next(), is(true));
            return new ActiveKey(row.getString(1), row.getInt(2), row.getInt(3));
        }
    }

    private KeyRotation.Result rotate(EncryptionSecret current, EncryptionSecret next) throws SQLException {
        DatabaseSettings settings = TestPostgres.get().settings(database);
        return KeyRotation.rotate(settings.migrationConnections(), TestPostgres.waits(settings), current, next);
    }

    @Test
    void aValueRoundTripsWithAFreshNonceEachTime() {
        SettingsCipher cipher = randomCipher();
        String first = cipher.encrypt("smtp.password", "hunter2 ünïcode");
        String second = cipher.encrypt("smtp.password", "hunter2 ünïcode");
        assertThat(first, matchesPattern("v1:" + cipher.keyId() + ":[A-Za-z0-9+/=]+"));
        assertThat(first, not(is(second)));
        assertThat(cipher.decrypt("smtp.password", first), is("hunter2 ünïcode"));
        assertThat(cipher.decrypt("smtp.password", second), is("hunter2 ünïcode"));
        assertThat(cipher.decrypt("smtp.password", cipher.encrypt("smtp.password", "")), is(""));
    }

    @Test
    void aTamperedCiphertextIsRejected() {
        SettingsCipher cipher = randomCipher();
        String stored = cipher.encrypt("smtp.password", "hunter2");
        String[] parts = stored.split(":", 3);
        byte[] data = Base64.getDecoder().decode(parts[2]);
        for (int i = 0; i < data.length; i++) {
            byte[] tampered = data.clone();
            tampered[i] ^= 0x01;
            String value = parts[0] + ":" + parts[1] + ":" + Base64.getEncoder().encodeToString(tampered);
            SettingsEncryptionException e = assertThrows(SettingsEncryptionException.class,
                                                         () -> cipher.decrypt("smtp.password", value));
            assertThat(e.getMessage(), containsString("smtp.password failed authentication"));
        }
        assertThrows(SettingsEncryptionException.class, () -> cipher.decrypt("smtp.password", "hunter2"));
        assertThrows(SettingsEncryptionException.class, () -> cipher.decrypt("smtp.password", parts[0] + ":" + parts[1]
                                                                                               + ":AAAA"));
    }

    @Test
    void aCiphertextMovedToAnotherSettingOrUnderAnotherKeyIsRejected() {
        SettingsCipher cipher = randomCipher();
        String stored = cipher.encrypt("smtp.password", "hunter2");
        assertThat(assertThrows(SettingsEncryptionException.class,
                                () -> cipher.decrypt("github-oauth.client_secret", stored)).getMessage(),
                   containsString("github-oauth.client_secret failed authentication"));
        SettingsCipher other = randomCipher();
        assertThat(assertThrows(SettingsEncryptionException.class, () -> other.decrypt("smtp.password", stored))
                           .getMessage(), containsString("is encrypted under key " + cipher.keyId()));
        // even with the key id rewritten to the other key's, authentication fails instead of giving garbage
        String relabelled = stored.replace(cipher.keyId(), other.keyId());
        assertThat(assertThrows(SettingsEncryptionException.class, () -> other.decrypt("smtp.password", relabelled))
                           .getMessage(), containsString("failed authentication"));
    }

    @Test
    void theKeyIsDerivedWithAPerInstallationSaltAndAWrongSecretIsAClearError() throws Exception {
        try (Connection one = migrated(); Connection two = migrated()) {
            one.setAutoCommit(false);
            two.setAutoCommit(false);
            SettingsCipher first = new EncryptionKeys(() -> passphrase(PASSPHRASE)).unlock(one);
            SettingsCipher second = new EncryptionKeys(() -> passphrase(PASSPHRASE)).unlock(two);
            assertThat("same secret, other installation: other salt, other key", first.keyId(), not(is(second.keyId())));
            assertThat(new EncryptionKeys(() -> passphrase(PASSPHRASE)).unlock(one).keyId(), is(first.keyId()));
            assertThat(activeKey(one), is(new ActiveKey("pbkdf2-sha256", 600_000, 24)));
            SettingsEncryptionException wrong = assertThrows(SettingsEncryptionException.class,
                    () -> new EncryptionKeys(() -> passphrase("another-long-test-passphrase")).unlock(one));
            assertThat(wrong.getMessage(), containsString(EncryptionSecret.VARIABLE + " does not match the key"));
            assertThat(wrong.getMessage(), not(containsString("another-long-test-passphrase")));
        }
        assertThat(assertThrows(SettingsEncryptionException.class, () -> passphrase("short")).getMessage(),
                   containsString("shorter than 16 characters"));
    }

    @Test
    void withoutTheVariableARandomKeyIsGeneratedOnceIntoAPrivateFileWithAWarningSayingWhere() throws Exception {
        EncryptionSecret generated = EncryptionSecret.current(Map.of(), data);
        Path file = data.resolve(EncryptionSecret.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), is("rw-------"));
        String key = Files.readString(file).strip();
        assertThat(key, matchesPattern("[0-9a-f]{64}"));
        assertThat(generated.random(), is(true));
        assertThat(EncryptionSecret.current(Map.of(), data).material(), is(generated.material()));
        List<String> lines = LogCapture.install().lines();
        assertThat(lines.stream().anyMatch(line -> line.contains("WARNING") && line.contains(file.toAbsolutePath()
                                                                                                 .toString())), is(true));
        assertThat(lines.stream().noneMatch(line -> line.contains(key)), is(true));
        try (Connection connection = migrated()) {
            connection.setAutoCommit(false);
            new EncryptionKeys(() -> generated).unlock(connection);
            assertThat(activeKey(connection), is(new ActiveKey("hkdf-sha256", 1, 24)));
        }
    }

    @Test
    void aKeyFileNamedByTheVariableIsUsedWithHkdfAndEveryFaultOfItIsAClearErrorThatNeverShowsItsContent()
            throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path file = Files.writeString(data.resolve("shared.key"), HexFormat.of().withUpperCase().formatHex(key) + "\n");
        EncryptionSecret given = EncryptionSecret.current(Map.of(EncryptionSecret.KEY_FILE_VARIABLE, file.toString()),
                                                          data);
        assertThat(given.random(), is(true));
        assertThat(given.material(), is(key));
        assertThat(given.origin(), is("the key file " + file + " (DEPLOYSTACK_ENCRYPTION_KEY_FILE)"));
        assertThat("no key is generated when one is given", Files.exists(data.resolve(EncryptionSecret.FILE_NAME)),
                   is(false));
        assertThat(EncryptionSecret.next(Map.of(EncryptionSecret.NEW_KEY_FILE_VARIABLE, file.toString()))
                           .orElseThrow().material(), is(key));
        try (Connection connection = migrated()) {
            connection.setAutoCommit(false);
            SettingsCipher cipher = new EncryptionKeys(() -> given).unlock(connection);
            assertThat(activeKey(connection), is(new ActiveKey("hkdf-sha256", 1, 24)));
            assertThat("the same file unlocks the same key",
                       new EncryptionKeys(() -> EncryptionSecret.current(
                               Map.of(EncryptionSecret.KEY_FILE_VARIABLE, file.toString()), data)).unlock(connection)
                               .keyId(), is(cipher.keyId()));
        }

        String content = "not-a-key-but-a-passphrase-someone-typed";
        Path typed = Files.writeString(data.resolve("typed.key"), content);
        Path shortKey = Files.writeString(data.resolve("short.key"), HexFormat.of().formatHex(key).substring(1));
        Map<Path, String> faults = Map.of(
                typed, "does not hold 64 hex digits; write one with: openssl rand -hex 32.",
                shortKey, "does not hold 64 hex digits",
                data.resolve("absent.key"), ": there is no such file.",
                data, ": it is not a text file of 64 hex digits",
                Path.of("/dev/zero"), "does not hold 64 hex digits");
        for (Map.Entry<Path, String> fault : faults.entrySet()) {
            SettingsEncryptionException error = assertThrows(SettingsEncryptionException.class,
                    () -> EncryptionSecret.current(Map.of(EncryptionSecret.KEY_FILE_VARIABLE,
                                                          fault.getKey().toString()), data));
            assertThat(error.getMessage(), containsString(fault.getKey() + " (DEPLOYSTACK_ENCRYPTION_KEY_FILE)"));
            assertThat(error.getMessage(), containsString(fault.getValue()));
            assertThat(error.getMessage(), not(containsString(content)));
            assertThat(error.getMessage(), not(containsString(HexFormat.of().formatHex(key).substring(1, 20))));
        }
        assertThat(assertThrows(SettingsEncryptionException.class, () -> EncryptionSecret.current(
                Map.of(EncryptionSecret.VARIABLE, PASSPHRASE, EncryptionSecret.KEY_FILE_VARIABLE, file.toString()),
                data)).getMessage(), is("Both DEPLOYSTACK_ENCRYPTION_SECRET and DEPLOYSTACK_ENCRYPTION_KEY_FILE are"
                                         + " set; set one of them."));
        SettingsEncryptionException bothNew = assertThrows(SettingsEncryptionException.class,
                () -> EncryptionSecret.next(Map.of(EncryptionSecret.NEW_VARIABLE, PASSPHRASE,
                                                   EncryptionSecret.NEW_KEY_FILE_VARIABLE, file.toString())));
        assertThat(bothNew.getMessage(), containsString(
                "Both DEPLOYSTACK_ENCRYPTION_SECRET_NEW and DEPLOYSTACK_ENCRYPTION_KEY_FILE_NEW are set"));
        assertThat(LogCapture.install().lines().stream().noneMatch(
                line -> line.toLowerCase(Locale.ROOT).contains(HexFormat.of().formatHex(key))), is(true));
    }

    @Test
    void rotationReEncryptsEveryValueInOneTransactionAndKeepsThemReadable() throws Exception {
        try (Connection connection = migrated()) {
            connection.setAutoCommit(false);
            EncryptionSecret current = EncryptionSecret.current(Map.of(), data);
            EncryptionKeys keys = new EncryptionKeys(() -> current);
            new SettingsInitialization(() -> GeneratedDefinitions.of(200), keys).run(connection);
            connection.commit();
            Map<String, String> before = decryptedValues(connection, keys.unlock(connection));
            assertThat(before.size(), is(20));
            assertThat(before.get("generated-1.setting_110"), is("secret-110"));

            EncryptionSecret next = passphrase(PASSPHRASE);
            SettingsEncryptionException wrongCurrent = assertThrows(SettingsEncryptionException.class,
                    () -> rotate(passphrase("not-the-current-secret"), next));
            assertThat(wrongCurrent.getMessage(), containsString("does not match"));

            KeyRotation.Result result = rotate(current, next);
            assertThat(result.values(), is(20));
            SettingsCipher rotated = new EncryptionKeys(() -> next).unlock(connection);
            assertThat(rotated.keyId(), is(result.newKeyId()));
            assertThat(decryptedValues(connection, rotated), is(before));
            assertThrows(SettingsEncryptionException.class, () -> new EncryptionKeys(() -> current).unlock(connection));
            connection.commit();
        }
    }

    @Test
    void aRotationThatMeetsATamperedValueChangesNothing() throws Exception {
        try (Connection connection = migrated()) {
            connection.setAutoCommit(false);
            EncryptionSecret current = EncryptionSecret.current(Map.of(), data);
            EncryptionKeys keys = new EncryptionKeys(() -> current);
            new SettingsInitialization(() -> GeneratedDefinitions.of(100), keys).run(connection);
            try (PreparedStatement statement = connection.prepareStatement(
                    "UPDATE global_settings SET value = (SELECT value FROM global_settings"
                    + " WHERE key = 'generated-0.setting_10') WHERE key = 'generated-0.setting_20'")) {
                statement.executeUpdate();
            }
            connection.commit();
            Map<String, String> rowsBefore = storedValues(connection);
            SettingsEncryptionException e = assertThrows(SettingsEncryptionException.class,
                    () -> rotate(current, passphrase(PASSPHRASE)));
            assertThat(e.getMessage(), containsString("generated-0.setting_20 failed authentication"));
            assertThat(storedValues(connection), is(rowsBefore));
            assertThat(keys.unlock(connection).keyId(), is(new EncryptionKeys(() -> current).unlock(connection).keyId()));
        }
    }

    @Test
    void theKeyParametersAreRememberedAndTheNextStartDerivesTheKeyBeforeTheDatabaseIsReached() throws Exception {
        try (Connection connection = migrated()) {
            SettingsCipher first = unlockRemembering(connection);
            String remembered = Files.readString(data.resolve(KeyParametersFile.FILE_NAME));
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT key_id, kdf, salt, iterations FROM global_settings_keys WHERE active");
                 ResultSet row = statement.executeQuery()) {
                row.next();
                assertThat(remembered.strip(), is("{\"keyId\":\"" + row.getString(1) + "\",\"kdf\":\"" + row.getString(2)
                                                  + "\",\"salt\":\"" + row.getString(3) + "\",\"iterations\":"
                                                  + row.getInt(4) + "}"));
            }
            assertThat("nothing secret in it", remembered, not(containsString(PASSPHRASE)));

            // a restart: the key is derived from the file alone, no connection given
            EncryptionKeys restarted = new EncryptionKeys(() -> passphrase(PASSPHRASE), data);
            restarted.unlockAhead();
            SettingsCipher ahead = awaitCipher(restarted);
            assertThat(ahead.keyId(), is(first.keyId()));
            assertThat("the settings step checks it against the database and keeps it",
                       restarted.unlock(connection), is(sameInstance(ahead)));
        }
    }

    @Test
    void staleOrImplausibleRememberedParametersNeverDecideTheKey() throws Exception {
        try (Connection connection = migrated()) {
            SettingsCipher actual = unlockRemembering(connection);
            Path file = data.resolve(KeyParametersFile.FILE_NAME);
            String remembered = Files.readString(file);

            // another installation's parameters (a rotated key, a restored database): derived ahead, then replaced
            Files.writeString(file, "{\"keyId\":\"0123456789abcdef\",\"kdf\":\"pbkdf2-sha256\","
                                    + "\"salt\":\"AAAAAAAAAAAAAAAAAAAAAA==\",\"iterations\":1000}\n");
            EncryptionKeys stale = new EncryptionKeys(() -> passphrase(PASSPHRASE), data);
            stale.unlockAhead();
            assertThat(stale.unlock(connection).keyId(), is(actual.keyId()));
            assertThat("the file is put right", Files.readString(file), is(remembered));

            // parameters the service never uses (a hostile round count, an unknown KDF) or no JSON: ignored
            for (String implausible : List.of(remembered.replace("600000", "2000000000"),
                                              remembered.replace("pbkdf2-sha256", "md5"),
                                              "not json")) {
                Files.writeString(file, implausible);
                EncryptionKeys keys = new EncryptionKeys(() -> passphrase(PASSPHRASE), data);
                keys.unlockAhead();
                assertThat(implausible, keys.unlock(connection).keyId(), is(actual.keyId()));
                assertThat(Files.readString(file), is(remembered));
            }
            assertThat(LogCapture.install().lines(), hasItem(containsString("names derivation parameters the service"
                                                                            + " does not use; ignored")));

            // a wrong secret with the right parameters remembered: the same clear error as without them
            EncryptionKeys wrong = new EncryptionKeys(() -> passphrase("another-long-test-passphrase"), data);
            wrong.unlockAhead();
            assertThat(assertThrows(SettingsEncryptionException.class, () -> wrong.unlock(connection)).getMessage(),
                       containsString(EncryptionSecret.VARIABLE + " does not match the key"));
        }
    }

    /** The first unlock of a fresh database by keys that remember their parameters in {@link #data}, committed. */
    private SettingsCipher unlockRemembering(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        SettingsCipher cipher = new EncryptionKeys(() -> passphrase(PASSPHRASE), data).unlock(connection);
        connection.commit();
        return cipher;
    }

    /** The cipher a derivation ahead left, waiting at most ten seconds for it. */
    private static SettingsCipher awaitCipher(EncryptionKeys keys) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return keys.cipher();
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    private static Map<String, String> decryptedValues(Connection connection, SettingsCipher cipher) throws SQLException {
        Map<String, String> values = new HashMap<>();
        storedValues(connection).forEach((key, value) -> {
            assertThat(value, not(containsString("secret-")));
            values.put(key, cipher.decrypt(key, value));
        });
        return values;
    }

    private static Map<String, String> storedValues(Connection connection) throws SQLException {
        Map<String, String> values = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT key, value FROM global_settings WHERE is_encrypted AND value IS NOT NULL");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                values.put(rows.getString(1), rows.getString(2));
            }
        }
        connection.commit();
        return values;
    }
}
