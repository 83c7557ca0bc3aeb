package com.deploystack.backend.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A copy of the project's migrations repository that a test may add to, edit and break. */
public final class ScriptRepository {

    private final Path root;

    private ScriptRepository(Path root) {
        this.root = root;
    }

    /** Copies {@code migrations/} (scripts, environments and the declared schema) into {@code directory}. */
    public static ScriptRepository copyOfProject(Path directory) {
        try {
            for (String part : new String[] {"scripts", "environments", "schema"}) {
                Path target = Files.createDirectories(directory.resolve(part));
                try (Stream<Path> files = Files.list(Path.of("migrations", part))) {
                    for (Path file : files.toList()) {
                        Files.copy(file, target.resolve(file.getFileName()));
                    }
                }
            }
            return new ScriptRepository(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    public Path script(String fileName) {
        return root.resolve("scripts").resolve(fileName);
    }

    /** Writes (or overwrites) a script: {@code body} is the change, {@code undo} what reverses it. */
    public Path write(String fileName, String body, String undo) {
        try {
            String description = fileName.replaceFirst("^\\d+_", "").replace(".sql", "").replace('_', ' ');
            return Files.writeString(script(fileName), "-- // " + description + "\n" + body + "\n\n-- //@UNDO\n"
                                                        + undo + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of the declared schema ({@code schema/<fileName>}). */
    public Path schemaFile(String fileName) {
        return root.resolve("schema").resolve(fileName);
    }

    public long scriptCount() {
        try (Stream<Path> files = Files.list(root.resolve("scripts"))) {
            return files.filter(file -> file.toString().endsWith(".sql")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
