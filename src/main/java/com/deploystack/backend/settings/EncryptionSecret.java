package com.deploystack.backend.settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import com.deploystack.backend.files.SecretFile;

/**
 * The secret the settings encryption key is derived from: {@code DEPLOYSTACK_ENCRYPTION_SECRET} (a passphrase,
 * stretched with PBKDF2), or a 256-bit key in the file {@code DEPLOYSTACK_ENCRYPTION_KEY_FILE} names (a container
 * secret that replicas share), or else 256 random bits generated once into
 * {@code persistent_data/settings-encryption.key} (mode 0600). A key is already random, so HKDF suffices and a
 * start spends no PBKDF2 on it. {@link #origin()} says where the secret came from, never what it is.
 */
public record EncryptionSecret(byte[] material, boolean random, String origin) {

    public static final String VARIABLE = "DEPLOYSTACK_ENCRYPTION_SECRET";
    public static final String NEW_VARIABLE = "DEPLOYSTACK_ENCRYPTION_SECRET_NEW";
    public static final String KEY_FILE_VARIABLE = "DEPLOYSTACK_ENCRYPTION_KEY_FILE";
    public static final String NEW_KEY_FILE_VARIABLE = "DEPLOYSTACK_ENCRYPTION_KEY_FILE_NEW";
    public static final String FILE_NAME = "settings-encryption.key";
    static final int MINIMUM_LENGTH = 16;
    private static final int KEY_BYTES = 32;
    private static final System.Logger LOG = System.getLogger(EncryptionSecret.class.getName());

    /**
     * The secret in use: the passphrase or the key file when one of the variables is set, else the generated key file
     * (created with a warning saying where).
     */
    public static EncryptionSecret current(Map<String, String> env, Path dataDirectory) {
        Optional<EncryptionSecret> given = given(env, VARIABLE, KEY_FILE_VARIABLE);
        if (given.isPresent()) {
            return given.get();
        }
        Path file = dataDirectory.resolve(FILE_NAME).toAbsolutePath();
        try {
            byte[] key = hexKey(SecretFile.readOrCreate(file, KEY_BYTES), file.toString(), "restore it from a backup");
            LOG.log(Level.WARNING, VARIABLE + " is not set: encrypted settings use the random key in " + file
                                   + " (readable by its owner only). Back it up with the database; replicas need"
                                   + " the same key, so set " + KEY_FILE_VARIABLE + " (or " + VARIABLE
                                   + ") when running several.");
            return new EncryptionSecret(key, true, "the key file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the settings encryption key file " + file, e);
        }
    }

    /**
     * The secret that {@code settings rotate-key} moves to: {@code DEPLOYSTACK_ENCRYPTION_SECRET_NEW} or
     * {@code DEPLOYSTACK_ENCRYPTION_KEY_FILE_NEW}.
     */
    public static Optional<EncryptionSecret> next(Map<String, String> env) {
        return given(env, NEW_VARIABLE, NEW_KEY_FILE_VARIABLE);
    }

    /** Where an operator gives the secret to move to or to use: one of the two variables, never both. */
    private static Optional<EncryptionSecret> given(Map<String, String> env, String passphraseVariable,
                                                   String keyFileVariable) {
        String keyFile = env.get(keyFileVariable);
        if (keyFile == null || keyFile.isBlank()) {
            return passphrase(env, passphraseVariable);
        }
        String passphrase = env.get(passphraseVariable);
        if (passphrase != null && !passphrase.isBlank()) {
            throw new SettingsEncryptionException("Both " + passphraseVariable + " and " + keyFileVariable + " are"
                                                  + " set; set one of them.");
        }
        return Optional.of(keyFile(keyFileVariable, Path.of(keyFile.strip()).toAbsolutePath()));
    }

    /** A key someone generated (openssl rand -hex 32) and gives every replica, e.g. as a container secret. */
    private static EncryptionSecret keyFile(String variable, Path file) {
        String named = file + " (" + variable + ")";
        String origin = "the key file " + named;
        String text;
        // at most a little more than a key: a path to a device or a large file must not fill memory or never end
        try (InputStream in = Files.newInputStream(file)) {
            text = new String(in.readNBytes(4 * KEY_BYTES), StandardCharsets.US_ASCII);
            if (in.read() != -1) {
                text = "";
            }
        } catch (NoSuchFileException e) {
            throw new SettingsEncryptionException("Cannot read " + origin + ": there is no such file.");
        } catch (AccessDeniedException e) {
            throw new SettingsEncryptionException("Cannot read " + origin + ": permission denied.");
        } catch (IOException e) {
            throw new SettingsEncryptionException("Cannot read " + origin + ": it is not a text file of 64 hex digits"
                                                  + " (" + e.getClass().getSimpleName() + ").");
        }
        return new EncryptionSecret(hexKey(text, named, "write one with: openssl rand -hex 32"), true, origin);
    }

    /** The 256-bit key a file holds as 64 hex digits; the message names the file, never what it holds. */
    private static byte[] hexKey(String text, String file, String remedy) {
        String hex = text.strip();
        if (hex.length() != 2 * KEY_BYTES || !hex.chars().allMatch(HexFormat::isHexDigit)) {
            throw new SettingsEncryptionException("The settings encryption key file " + file + " does not hold 64 hex"
                                                  + " digits; " + remedy + ".");
        }
        return HexFormat.of().parseHex(hex);
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
