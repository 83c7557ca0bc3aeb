package com.deploystack.backend.db;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import com.deploystack.backend.files.AtomicFile;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * {@code persistent_data/db.selection.json}: {@code {"type":"postgresql","selectedAt":"…Z","version":"1.0"}}.
 * Written atomically (temporary file, fsync, rename, fsync of the directory); a corrupt file is reported,
 * never overwritten.
 */
public final class SelectionFile {

    public static final String FILE_NAME = "db.selection.json";
    public static final String TYPE = "postgresql";
    public static final String VERSION = "1.0";
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** What the file holds. */
    public sealed interface Content {
    }

    public record Absent() implements Content {
    }

    public record Selected(String type, Instant selectedAt, String version) implements Content {
    }

    public record Corrupt(String problem) implements Content {
    }

    private final Path file;

    public SelectionFile(Path dataDirectory) {
        this.file = dataDirectory.resolve(FILE_NAME);
    }

    public Path path() {
        return file;
    }

    public Content read() {
        if (!Files.exists(file)) {
            return new Absent();
        }
        try (JsonReader reader = Json.createReader(new StringReader(Files.readString(file, StandardCharsets.UTF_8)))) {
            JsonObject json = reader.readObject();
            String type = string(json, "type").orElse("");
            if (!TYPE.equals(type)) {
                return new Corrupt(file + " names database type '" + type + "', expected 'postgresql'");
            }
            Optional<String> selectedAt = string(json, "selectedAt");
            if (selectedAt.isEmpty()) {
                return new Corrupt(file + " has no selectedAt");
            }
            return new Selected(type, Instant.parse(selectedAt.get()), string(json, "version").orElse(VERSION));
        } catch (IOException | JsonException | IllegalStateException | DateTimeParseException e) {
            return new Corrupt(file + " is not a valid selection file (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Writes the file atomically: readers see the old state or the complete new file, never a part. */
    public void write(Instant selectedAt) throws IOException {
        String json = Json.createObjectBuilder()
                .add("type", TYPE)
                .add("selectedAt", format(selectedAt))
                .add("version", VERSION)
                .build()
                .toString();
        AtomicFile.write(file, json + "\n");
    }

    /** Removes the file (used when the transaction it belongs to could not commit). */
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    /** ISO-8601 UTC with milliseconds, e.g. {@code 2025-01-02T18:22:15.000Z}. */
    public static String format(Instant instant) {
        return MILLIS.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    private static Optional<String> string(JsonObject json, String name) {
        JsonValue value = json.get(name);
        return value instanceof JsonString string ? Optional.of(string.getString()) : Optional.empty();
    }
}
