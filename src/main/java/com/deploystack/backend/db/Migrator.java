package com.deploystack.backend.db;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.ibatis.migration.Change;
import org.apache.ibatis.migration.FileMigrationLoader;

/**
 * Applies the MyBatis Migrations repository in {@code migrations/}. MyBatis reads and splits the scripts;
 * this class adds what MyBatis lacks: each script and its changelog row commit together, an advisory lock
 * serializes replicas, and a SHA-256 of every applied script detects later edits.
 */
public final class Migrator {

    /** A script of the repository. */
    public record Script(BigDecimal id, String description, String fileName, String checksum) {
    }

    /**
     * How a script stands against the changelog. {@code AHEAD}: applied, unknown here, and newer than every script
     * here: a newer release applied it (this one runs on, as during a rolling upgrade, and says so).
     * {@code MISSING}: applied, unknown here, and older than a script here: the repository lost it.
     */
    public enum State { APPLIED, CHANGED, MISSING, AHEAD, PENDING, OUT_OF_ORDER }

    /** One row of {@link #status(Connection)}. */
    public record ScriptStatus(BigDecimal id, String description, String appliedAt, State state) {
    }

    private record Applied(BigDecimal id, String appliedAt, String description, String checksum) {
    }

    private static final String CHANGELOG = "changelog";

    private final Path repository;

    public Migrator(Path repository) {
        this.repository = repository;
    }

    public Path scriptsDirectory() {
        return repository.resolve("scripts");
    }

    /** The repository's scripts in id order; a missing or empty repository is an error, never "nothing to do". */
    public List<Script> scripts() {
        Path directory = scriptsDirectory();
        if (!Files.isDirectory(directory)) {
            throw new MigrationException("Migrations directory " + directory.toAbsolutePath()
                                         + " is missing: the service cannot create its tables without it");
        }
        List<Script> scripts = loader().getMigrations().stream()
                .sorted(Comparator.comparing(Change::getId))
                .map(change -> new Script(change.getId(), change.getDescription(), change.getFilename(),
                                          checksum(directory.resolve(change.getFilename()))))
                .toList();
        if (scripts.isEmpty()) {
            throw new MigrationException("Migrations directory " + directory.toAbsolutePath()
                                         + " holds no scripts: the service cannot create its tables without them");
        }
        return scripts;
    }

    /** Every script, applied or not, and every applied script missing from the repository. */
    public List<ScriptStatus> status(Connection connection) throws SQLException {
        Map<BigDecimal, Applied> applied = applied(connection);
        BigDecimal lastApplied = applied.keySet().stream().max(Comparator.naturalOrder()).orElse(BigDecimal.ZERO);
        List<ScriptStatus> rows = new ArrayList<>();
        List<Script> scripts = scripts();
        for (Script script : scripts) {
            Applied row = applied.remove(script.id());
            if (row == null) {
                State state = script.id().compareTo(lastApplied) < 0 ? State.OUT_OF_ORDER : State.PENDING;
                rows.add(new ScriptStatus(script.id(), script.description(), "", state));
            } else {
                boolean same = row.checksum() == null || row.checksum().equals(script.checksum());
                rows.add(new ScriptStatus(script.id(), script.description(), row.appliedAt(),
                                          same ? State.APPLIED : State.CHANGED));
            }
        }
        BigDecimal newestHere = scripts.getLast().id();
        applied.values().forEach(row -> rows.add(new ScriptStatus(
                row.id(), row.description(), row.appliedAt(),
                row.id().compareTo(newestHere) > 0 ? State.AHEAD : State.MISSING)));
        rows.sort(Comparator.comparing(ScriptStatus::id));
        return rows;
    }

    /**
     * The scripts still to apply, after checking that no applied script changed or disappeared and that no
     * pending script is older than the last applied one. Call inside the migration lock.
     */
    public List<Script> pending(Connection connection) throws SQLException {
        List<Script> scripts = scripts();
        Map<String, Script> byId = new LinkedHashMap<>();
        scripts.forEach(script -> byId.put(script.id().toPlainString(), script));
        List<Script> pending = new ArrayList<>();
        for (ScriptStatus row : status(connection)) {
            Script script = byId.get(row.id().toPlainString());
            switch (row.state()) {
                case APPLIED, AHEAD -> { }
                case PENDING -> pending.add(script);
                case CHANGED -> throw new MigrationException("Applied migration " + script.fileName()
                        + " was changed after it was applied (checksum differs). Restore the original file and add"
                        + " a new script for the change.");
                case MISSING -> throw new MigrationException("Applied migration " + row.id().toPlainString() + " ("
                        + row.description() + ") is missing from " + scriptsDirectory()
                        + ". Restore the script or deploy the release that contains it.");
                case OUT_OF_ORDER -> throw new MigrationException("Pending migration " + script.fileName()
                        + " is older than the last applied script and would run out of order. Rename it with a"
                        + " newer timestamp (migrate new) and restart.");
            }
        }
        return pending;
    }

    /**
     * Runs {@code script} and records it in the changelog in the caller's transaction (no commit), so that
     * both happen or neither does.
     */
    public void apply(Connection connection, Script script) {
        try {
            String sql = read(script, false);
            if (!sql.isBlank()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + CHANGELOG + " (id, applied_at, description, checksum) VALUES (?, ?, ?, ?)")) {
                insert.setBigDecimal(1, script.id());
                insert.setString(2, appliedAtNow());
                insert.setString(3, script.description());
                insert.setString(4, script.checksum());
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            String next = " Nothing of it was applied; fix the script, then restart or retry setup.";
            throw new MigrationException("Migration " + script.fileName() + " failed: " + sentence(e.getMessage()) + next,
                                         "Migration " + script.fileName() + " failed (SQLSTATE " + e.getSQLState()
                                         + "; the service log has PostgreSQL's message)." + next, e);
        }
    }

    /**
     * Applies every pending script, each in its own transaction under the migration lock. A replica that
     * waited for the lock re-reads the changelog, so no script runs twice.
     *
     * @return the scripts this call applied
     */
    public List<Script> up(Connection connection) throws SQLException {
        List<Script> applied = new ArrayList<>();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            while (true) {
                MigrationLock.acquire(connection);
                List<Script> pending = pending(connection);
                if (pending.isEmpty()) {
                    connection.commit();
                    return applied;
                }
                apply(connection, pending.getFirst());
                DatabaseEvents.notify(connection, DatabaseEvents.SETUP);
                connection.commit();
                applied.add(pending.getFirst());
            }
        } catch (SQLException | RuntimeException e) {
            Catalog.rollbackQuietly(connection);
            throw e;
        } finally {
            Catalog.autoCommitQuietly(connection, autoCommit);
        }
    }

    /** Undoes the last applied script and removes its changelog row, in one transaction. */
    public Script down(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            MigrationLock.acquire(connection);
            Applied last = applied(connection).values().stream().max(Comparator.comparing(Applied::id))
                    .orElseThrow(() -> new MigrationException("No applied migration to undo."));
            Script script = scripts().stream().filter(s -> s.id().equals(last.id())).findFirst()
                    .orElseThrow(() -> new MigrationException("Applied migration " + last.id().toPlainString()
                                                              + " is missing from " + scriptsDirectory()));
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + CHANGELOG + " WHERE id = ?")) {
                delete.setBigDecimal(1, script.id());
                delete.executeUpdate();
            }
            String undo = read(script, true);
            if (!undo.isBlank()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(undo);
                }
            }
            DatabaseEvents.notify(connection, DatabaseEvents.SETUP);
            connection.commit();
            return script;
        } catch (SQLException | RuntimeException e) {
            Catalog.rollbackQuietly(connection);
            throw e;
        } finally {
            Catalog.autoCommitQuietly(connection, autoCommit);
        }
    }

    private Map<BigDecimal, Applied> applied(Connection connection) throws SQLException {
        Map<BigDecimal, Applied> applied = new LinkedHashMap<>();
        if (!Catalog.tableExists(connection, CHANGELOG)) {
            return applied;
        }
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery(
                    "SELECT id, applied_at, description, checksum FROM " + CHANGELOG + " ORDER BY id")) {
                while (rows.next()) {
                    BigDecimal id = rows.getBigDecimal(1);
                    applied.put(id, new Applied(id, rows.getString(2), rows.getString(3), rows.getString(4)));
                }
            }
        }
        return applied;
    }

    private FileMigrationLoader loader() {
        return new FileMigrationLoader(scriptsDirectory().toFile(), "UTF-8", new Properties());
    }

    private String read(Script script, boolean undo) {
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

    private static String sentence(String message) {
        String text = String.valueOf(message).strip().replaceAll("\\s+", " ");
        return text.endsWith(".") ? text : text + ".";
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

    /** MyBatis's own changelog format: {@code yyyy-MM-dd HH:mm:ss.S} in UTC. */
    private static String appliedAtNow() {
        return Timestamp.valueOf(LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS)).toString();
    }
}
