package com.deploystack.backend.settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import com.deploystack.backend.files.SecretFile;

/**
 * The secret the settings encryption key is derived from: {@code DEPLOYSTACK_ENCRYPTION_SECRET} (a passphrase,
 * stretched with PBKDF2), or else 256 random bits generated once into {@code persistent_data/settings-encryption.key}
 * (mode 0600; already random, so HKDF suffices). {@link #origin()} says where it came from, never what it is.
 */
public record EncryptionSecret(byte[] material, boolean random, String origin) {

    public static final String VARIABLE = "DEPLOYSTACK_ENCRYPTION_SECRET";
    public static final String NEW_VARIABLE = "DEPLOYSTACK_ENCRYPTION_SECRET_NEW";
    public static final String FILE_NAME = "settings-encryption.key";
    static final int MINIMUM_LENGTH = 16;
    private static final System.Logger LOG = System.getLogger(EncryptionSecret.class.getName());

    /** The secret in use: the variable when set, else the key file (created with a warning saying where). */
    public static EncryptionSecret current(Map<String, String> env, Path dataDirectory) {
        Optional<EncryptionSecret> variable = passphrase(env, VARIABLE);
        if (variable.isPresent()) {
            return variable.get();
        }
        Path file = dataDirectory.resolve(FILE_NAME).toAbsolutePath();
        try {
            byte[] key = HexFormat.of().parseHex(SecretFile.readOrCreate(file, 32));
            LOG.log(Level.WARNING, VARIABLE + " is not set: encrypted settings use the random key in " + file
                                   + " (readable by its owner only). Back it up with the database; replicas need"
                                   + " the same key, so set " + VARIABLE + " when running several.");
            return new EncryptionSecret(key, true, "the key file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the settings encryption key file " + file, e);
        } catch (IllegalArgumentException e) {
            throw new SettingsEncryptionException("The settings encryption key file " + file + " is not 64 hex"
                                                  + " digits; restore it from a backup.");
        }
    }

    /** The secret that {@code settings rotate-key} moves to: {@code DEPLOYSTACK_ENCRYPTION_SECRET_NEW}. */
    public static Optional<EncryptionSecret> next(Map<String, String> env) {
        return passphrase(env, NEW_VARIABLE);
    }

    private static Optional<EncryptionSecret> passphrase(Map<String, String> env, String variable) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        if (value.strip().length() < MINIMUM_LENGTH) {
            throw new SettingsEncryptionException(variable + " is shorter than " + MINIMUM_LENGTH
                                                  + " characters; use a long random value (openssl rand -hex 32).");
        }
        return Optional.of(new EncryptionSecret(value.strip().getBytes(StandardCharsets.UTF_8), false, variable));
    }

    @Override
    public String toString() {
        return "EncryptionSecret[" + origin + "]";
    }
}
