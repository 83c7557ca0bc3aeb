package com.deploystack.backend.settings;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

import javax.sql.DataSource;

/**
 * The settings encryption key of this installation. Its derivation parameters (KDF, per-installation random
 * salt, iterations) and id live in {@code global_settings_keys}; the secret lives outside the database
 * ({@link EncryptionSecret}). {@link #unlock} runs in the settings initialization step, inside the setup or
 * start-up transaction; the handlers then use {@link #cipher()}.
 */
public final class EncryptionKeys {

    private static final System.Logger LOG = System.getLogger(EncryptionKeys.class.getName());

    /** The derivation parameters and id of one key, as stored (the salt in base64). */
    record KeyRecord(String keyId, String kdf, String salt, int iterations) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Supplier<EncryptionSecret> secretSource;
    private EncryptionSecret secret;
    private KeyRecord unlockedRecord;
    private volatile SettingsCipher cipher;

    public EncryptionKeys(Supplier<EncryptionSecret> secretSource) {
        this.secretSource = secretSource;
    }

    /**
     * Derives the active key from the secret, checks it against the stored key id, and keeps it; on first use
     * creates the key's parameters. Derivation runs once per process unless the parameters changed.
     *
     * @throws SettingsEncryptionException when the secret does not match the key the settings are encrypted with
     */
    public synchronized SettingsCipher unlock(Connection connection) throws SQLException {
        if (secret == null) {
            secret = secretSource.get();
        }
        Optional<KeyRecord> active = active(connection, false);
        if (active.isPresent() && active.get().equals(unlockedRecord)) {
            return cipher;
        }
        KeyRecord record = active.isPresent() ? active.get() : create(connection, secret);
        cipher = open(record, secret);
        unlockedRecord = record;
        return cipher;
    }

    /**
     * Starts {@link #unlock} on a thread of its own when the database already has a key, so that the derivation
     * runs while the start does other work; the initialization's own {@code unlock} then finds it done (or waits
     * for it). Creates nothing; a failure here is left for that {@code unlock} to report.
     */
    public void unlockAhead(DataSource dataSource) {
        Thread.ofVirtual().name("settings-key").start(() -> unlockExisting(dataSource));
    }

    /** {@link #unlock} now, when the database already has a key; creates nothing, reports nothing. */
    public void unlockExisting(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            if (active(connection, false).isPresent()) {
                unlock(connection);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.DEBUG, "Deriving the settings key ahead failed; the settings step derives it", e);
        }
    }

    /** The key unlocked by the last initialization; the settings routes run only after it. */
    public SettingsCipher cipher() {
        SettingsCipher unlocked = cipher;
        if (unlocked == null) {
            throw new IllegalStateException("the settings encryption key is not unlocked yet");
        }
        return unlocked;
    }

    static Optional<KeyRecord> active(Connection connection, boolean forUpdate) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT key_id, kdf, salt, iterations FROM global_settings_keys WHERE active"
                + (forUpdate ? " FOR UPDATE" : ""));
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                return Optional.empty();
            }
            return Optional.of(new KeyRecord(rows.getString(1), rows.getString(2), rows.getString(3), rows.getInt(4)));
        }
    }

    /** New parameters for {@code secret} (fresh salt), stored as the active key (the caller deactivates others). */
    static KeyRecord create(Connection connection, EncryptionSecret secret) throws SQLException {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String kdf = secret.random() ? KeyDerivation.HKDF : KeyDerivation.PBKDF2;
        int iterations = secret.random() ? 1 : KeyDerivation.PBKDF2_ITERATIONS;
        String keyId = KeyDerivation.keyId(KeyDerivation.derive(kdf, secret.material(), salt, iterations));
        KeyRecord record = new KeyRecord(keyId, kdf, Base64.getEncoder().encodeToString(salt), iterations);
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO global_settings_keys (key_id, kdf, salt, iterations, active) VALUES (?, ?, ?, ?, TRUE)")) {
            statement.setString(1, keyId);
            statement.setString(2, kdf);
            statement.setString(3, record.salt());
            statement.setInt(4, iterations);
            statement.executeUpdate();
        }
        return record;
    }

    /** The cipher of {@code record} derived from {@code secret}; refused when the secret is not the one. */
    static SettingsCipher open(KeyRecord record, EncryptionSecret secret) {
        byte[] key = KeyDerivation.derive(record.kdf(), secret.material(), Base64.getDecoder().decode(record.salt()),
                                          record.iterations());
        if (!KeyDerivation.keyId(key).equals(record.keyId())) {
            throw new SettingsEncryptionException(
                    "The settings encryption secret from " + secret.origin() + " does not match the key the settings"
                    + " of this database are encrypted with (key id " + record.keyId() + "). Start with the secret"
                    + " used before (" + EncryptionSecret.VARIABLE + ", or the key file " + EncryptionSecret.FILE_NAME
                    + " in the data directory); to change it, run: settings rotate-key.");
        }
        return new SettingsCipher(record.keyId(), key);
    }
}
