package com.deploystack.backend.settings;

import java.io.IOException;
import java.io.StringReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

import com.deploystack.backend.files.AtomicFile;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

/**
 * {@code persistent_data/settings-key.json}: the public derivation parameters (key id, KDF, salt, iterations) of the
 * settings key this data directory last unlocked, a copy of its {@code global_settings_keys} row. It holds nothing
 * secret. At start the key is derived from it at once, before PostgreSQL is reached, so that PBKDF2's 600,000 rounds
 * run beside the rest of the start; the settings step then compares it with the database's row and derives again
 * when they differ (a rotated key, another database). A missing, unreadable or implausible file only means that the
 * derivation waits for the database.
 */
final class KeyParametersFile {

    static final String FILE_NAME = "settings-key.json";
    private static final System.Logger LOG = System.getLogger(KeyParametersFile.class.getName());

    private final Path file;

    KeyParametersFile(Path dataDirectory) {
        this.file = dataDirectory.resolve(FILE_NAME);
    }

    /** The remembered parameters, when the file holds plausible ones (a known KDF, at most the rounds the service uses). */
    Optional<EncryptionKeys.KeyRecord> read() {
        try (JsonReader reader = Json.createReader(new StringReader(Files.readString(file, StandardCharsets.UTF_8)))) {
            JsonObject json = reader.readObject();
            EncryptionKeys.KeyRecord record = new EncryptionKeys.KeyRecord(
                    json.getString("keyId"), json.getString("kdf"), json.getString("salt"), json.getInt("iterations"));
            Base64.getDecoder().decode(record.salt());
            boolean known = record.kdf().equals(KeyDerivation.PBKDF2) || record.kdf().equals(KeyDerivation.HKDF);
            if (!known || record.iterations() < 1 || record.iterations() > KeyDerivation.PBKDF2_ITERATIONS) {
                LOG.log(Level.WARNING, file + " names derivation parameters the service does not use; ignored");
                return Optional.empty();
            }
            return Optional.of(record);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) { // JsonException, a missing or mistyped field, bad base64
            LOG.log(Level.WARNING, file + " is unreadable; the settings key is derived once the database answers", e);
            return Optional.empty();
        }
    }

    /** Remembers {@code record} (atomically); a failure costs only the head start of the next start. */
    void write(EncryptionKeys.KeyRecord record) {
        String json = Json.createObjectBuilder()
                .add("keyId", record.keyId())
                .add("kdf", record.kdf())
                .add("salt", record.salt())
                .add("iterations", record.iterations())
                .build()
                .toString();
        try {
            AtomicFile.write(file, json + "\n");
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot write " + file + "; the next start derives the settings key once the"
                                   + " database answers", e);
        }
    }
}
