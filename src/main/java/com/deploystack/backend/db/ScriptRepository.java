package com.deploystack.backend.db;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import org.apache.ibatis.migration.Change;
import org.apache.ibatis.migration.FileMigrationLoader;

/**
 * The MyBatis Migrations repository on disk ({@code scripts/}): MyBatis finds and splits the scripts; this class
 * adds their checksums and how each must be applied.
 */
public final class ScriptRepository {

    private static final Pattern OUTSIDE = Pattern.compile("(?m)^--\\s*deploystack:\\s*no transaction\\s*$");
    private static final Pattern ADDS_ENUM_VALUE = Pattern.compile("(?is)\\bALTER\\s+TYPE\\b[^;]*\\bADD\\s+VALUE\\b");
    private static final String UNDO = "-- //@UNDO";

    private final Path root;

    public ScriptRepository(Path root) {
        this.root = root;
    }

    public Path scriptsDirectory() {
        return root.resolve("scripts");
    }

    /** The scripts in id order; a missing or empty repository is an error, never "nothing to do". */
    public List<Script> scripts() {
        Path directory = scriptsDirectory();
        if (!Files.isDirectory(directory)) {
            throw new MigrationException("Migrations directory " + directory.toAbsolutePath()
                                         + " is missing: the service cannot create its tables without it");
        }
        List<Script> scripts = loader().getMigrations().stream()
                .sorted(Comparator.comparing(Change::getId))
                .map(change -> script(change, directory.resolve(change.getFilename())))
                .toList();
        if (scripts.isEmpty()) {
            throw new MigrationException("Migrations directory " + directory.toAbsolutePath()
                                         + " holds no scripts: the service cannot create its tables without them");
        }
        return scripts;
    }

    /** The script's SQL above {@code -- //@UNDO}, or below it when {@code undo}, as MyBatis reads it. */
    public String sql(Script script, boolean undo) {
        Change change = new Change(script.id(), null, script.description());
        change.setFilename(script.fileName());
        try (Reader reader = loader().getScriptReader(change, undo)) {
            StringWriter sql = new StringWriter();
            reader.transferTo(sql);
            return sql.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Script script(Change change, Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read migration " + file, e);
        }
        String forward = text.contains(UNDO) ? text.substring(0, text.indexOf(UNDO)) : text;
        Script.Mode mode = OUTSIDE.matcher(forward).find() ? Script.Mode.OUTSIDE_TRANSACTION
                : ADDS_ENUM_VALUE.matcher(forward).find() ? Script.Mode.COMMIT_AFTER
                : Script.Mode.TRANSACTIONAL;
        return new Script(change.getId(), change.getDescription(), change.getFilename(), checksum(file), mode);
    }

    private FileMigrationLoader loader() {
        return new FileMigrationLoader(scriptsDirectory().toFile(), "UTF-8", new Properties());
    }

    private static String checksum(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read migration " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
