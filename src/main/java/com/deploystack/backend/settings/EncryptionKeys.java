package com.deploystack.backend.settings;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
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
 * start-up transaction; the handlers then use {@link #cipher()}. The derivation may start earlier on a thread of its
 * own ({@link #unlockAhead()}); {@link #unlock} still checks what it derived against the database.
 */
public final class EncryptionKeys {

    private static final System.Logger LOG = System.getLogger(EncryptionKeys.class.getName());

    /** The derivation parameters and id of one key, as stored (the salt in base64). */
    record KeyRecord(String keyId, String kdf, String salt, int iterations) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Supplier<EncryptionSecret> secretSource;
    private final Optional<KeyParametersFile> remembered;
    private EncryptionSecret secret;
    private KeyRecord unlockedRecord;
    /** Whether {@link #unlock} checked the key against the database: from then on nothing derived ahead replaces it. */
    private boolean checked;
    /** What {@link KeyParametersFile} holds, as far as this process knows. */
    private KeyRecord rememberedRecord;
    private volatile SettingsCipher cipher;

    /** Keys that remember nothing between starts (tools, tests). */
    public EncryptionKeys(Supplier<EncryptionSecret> secretSource) {
        this(secretSource, Optional.empty());
    }

    /** Keys whose parameters are remembered in {@code dataDirectory} ({@link KeyParametersFile}) for the next start. */
    public EncryptionKeys(Supplier<EncryptionSecret> secretSource, Path dataDirectory) {
        this(secretSource, Optional.of(new KeyParametersFile(dataDirectory)));
    }

    private EncryptionKeys(Supplier<EncryptionSecret> secretSource, Optional<KeyParametersFile> remembered) {
        this.secretSource = secretSource;
        this.remembered = remembered;
    }

    /**
     * Derives the active key from the secret, checks it against the stored key id, and keeps it; on first use
     * creates the key's parameters. Derivation runs once per process unless the parameters changed; when a
     * derivation started ahead ({@link #unlockAhead()}) is still running, this waits for it.
     *
     * @throws SettingsEncryptionException when the secret does not match the key the settings are encrypted with
     */
    public synchronized SettingsCipher unlock(Connection connection) throws SQLException {
        Optional<KeyRecord> active = active(connection, false);
        if (active.isPresent() && !active.get().equals(unlockedRecord)) {
            use(active.get(), open(active.get(), secret()));
        } else if (active.isEmpty()) {
            CreatedKey created = create(connection, secret());
            use(created.record(), created.cipher());
        }
        checked = true;
        if (remembered.isPresent() && !unlockedRecord.equals(rememberedRecord)) {
            remembered.get().write(unlockedRecord);
            rememberedRecord = unlockedRecord;
        }
        return cipher;
    }

    /**
     * Starts deriving, on a thread of its own, the key whose parameters the data directory remembers: at the very
     * start, before PostgreSQL is reached, so that PBKDF2 (the slowest part of a start) runs beside everything else.
     * Creates nothing; a failure (a wrong secret) is left for {@link #unlock} to report.
     */
    public void unlockAhead() {
        remembered.ifPresent(file -> deriveAhead(() -> {
            Optional<KeyRecord> record = file.read();
            synchronized (this) {
                rememberedRecord = record.orElse(null);
            }
            return record;
        }));
    }

    /**
     * The same from the database's active key, unless that one is unlocked already: a catch-up calls it before it
     * takes the migration lock, so that replicas catching up together derive side by side.
     */
    public void unlockAhead(DataSource dataSource) {
        deriveAhead(() -> {
            try (Connection connection = dataSource.getConnection()) {
                return active(connection, false);
            } catch (SQLException e) {
                LOG.log(Level.DEBUG, "Reading the settings key ahead failed; the settings step reads it", e);
                return Optional.empty();
            }
        });
    }

    /** A platform thread: PBKDF2 is half a second of CPU, which would hold one of the few virtual-thread carriers. */
    private void deriveAhead(Supplier<Optional<KeyRecord>> parameters) {
        Thread.ofPlatform().daemon().name("settings-key").start(() -> {
            Optional<KeyRecord> record = parameters.get();
            synchronized (this) {
                if (checked || record.isEmpty() || record.get().equals(unlockedRecord)) {
                    return;
                }
                try {
                    use(record.get(), open(record.get(), secret()));
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "Deriving the settings key ahead failed; the settings step derives it", e);
                }
            }
        });
    }

    private EncryptionSecret secret() {
        if (secret == null) {
            secret = secretSource.get();
        }
        return secret;
    }

    private void use(KeyRecord record, SettingsCipher opened) {
        cipher = opened;
        unlockedRecord = record;
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

    /** A key just created: its parameters as stored, and its cipher. */
    record CreatedKey(KeyRecord record, SettingsCipher cipher) {
    }

    /**
     * New parameters for {@code secret} (fresh salt), stored as the active key (the caller deactivates others), and
     * the key derived with them (once).
     */
    static CreatedKey create(Connection connection, EncryptionSecret secret) throws SQLException {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String kdf = secret.random() ? KeyDerivation.HKDF : KeyDerivation.PBKDF2;
        int iterations = secret.random() ? 1 : KeyDerivation.PBKDF2_ITERATIONS;
        byte[] key = KeyDerivation.derive(kdf, secret.material(), salt, iterations);
        String keyId = KeyDerivation.keyId(key);
        KeyRecord record = new KeyRecord(keyId, kdf, Base64.getEncoder().encodeToString(salt), iterations);
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO global_settings_keys (key_id, kdf, salt, iterations, active) VALUES (?, ?, ?, ?, TRUE)")) {
            statement.setString(1, keyId);
            statement.setString(2, kdf);
            statement.setString(3, record.salt());
            statement.setInt(4, iterations);
            statement.executeUpdate();
        }
        return new CreatedKey(record, new SettingsCipher(keyId, key));
    }

    /** The cipher of {@code record} derived from {@code secret}; refused when the secret is not the one. */
    static SettingsCipher open(KeyRecord record, EncryptionSecret secret) {
        byte[] key = KeyDerivation.derive(record.kdf(), secret.material(), Base64.getDecoder().decode(record.salt()),
                                          record.iterations());
        if (!KeyDerivation.keyId(key).equals(record.keyId())) {
            throw new SettingsEncryptionException(
                    "The settings encryption secret from " + secret.origin() + " does not match the key the settings"
                    + " of this database are encrypted with (key id " + record.keyId() + "). Start with the secret"
                    + " used before (" + EncryptionSecret.VARIABLE + ", " + EncryptionSecret.KEY_FILE_VARIABLE
                    + ", or the key file " + EncryptionSecret.FILE_NAME + " in the data directory); to change it, run:"
                    + " settings rotate-key.");
        }
        return new SettingsCipher(record.keyId(), key);
    }
}
