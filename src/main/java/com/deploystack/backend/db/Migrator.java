package com.deploystack.backend.db;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
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
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

import org.apache.ibatis.migration.Change;
import org.apache.ibatis.migration.FileMigrationLoader;
import org.apache.ibatis.migration.operations.ScriptRunner;

/**
 * Applies the MyBatis Migrations repository in {@code migrations/}. MyBatis reads and splits the scripts;
 * this class adds what MyBatis lacks: each script and its changelog row commit together, an advisory lock
 * serializes replicas, and a SHA-256 of every applied script detects later edits.
 */
public final class Migrator {

    /** A script of the repository. */
    public record Script(BigDecimal id, String description, String fileName, String checksum, Mode mode) {
    }

    /** How a script is applied. */
    public enum Mode {
        /** In a transaction with its changelog row (at setup, with the scripts around it). */
        TRANSACTIONAL,
        /**
         * Adds enum values ({@code ALTER TYPE … ADD VALUE}): committed before the next script, which can use a new
         * value only once it is committed, as {@code migrate up} (one transaction per script) does anyway.
         */
        COMMIT_AFTER,
        /** Marked {@value #OUTSIDE_TRANSACTION}: each statement on its own, for {@code CREATE INDEX CONCURRENTLY}. */
        OUTSIDE_TRANSACTION
    }

    /** A script's line that runs it outside any transaction; a plain comment to the official MyBatis tool. */
    public static final String OUTSIDE_TRANSACTION = "-- deploystack: no transaction";
    private static final Pattern OUTSIDE = Pattern.compile("(?m)^--\\s*deploystack:\\s*no transaction\\s*$");
    private static final Pattern ADDS_ENUM_VALUE = Pattern.compile("(?is)\\bALTER\\s+TYPE\\b[^;]*\\bADD\\s+VALUE\\b");
    private static final String UNDO = "-- //@UNDO";

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
                .map(change -> script(change, directory.resolve(change.getFilename())))
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
     * Runs a transactional {@code script} and records it in the changelog in the caller's transaction (no commit),
     * so that both happen or neither does. A failure of the script itself is a {@link MigrationException} that says
     * to fix it; a lost connection or a lock waited for too long stays a {@link SQLException}: the script is not
     * at fault.
     */
    public void apply(Connection connection, Script script) throws SQLException {
        try {
            String sql = read(script, false);
            if (!sql.isBlank()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql);
                }
            }
            record(connection, script);
        } catch (SQLException e) {
            if (DatabaseFailure.notTheScriptsFault(e)) {
                throw e;
            }
            throw scriptFailure(script, e, " Nothing of it was applied; fix the script, then restart or retry setup.");
        }
    }

    /**
     * Applies {@code script} on {@code connection} under {@code lock}: in a transaction of its own with its
     * changelog row, or statement by statement when it is marked {@value #OUTSIDE_TRANSACTION} (its changelog row
     * then follows in a transaction once every statement succeeded). Tells the other replicas.
     */
    public void applyAlone(MigrationLock lock, Connection connection, Script script) throws SQLException {
        if (script.mode() != Mode.OUTSIDE_TRANSACTION) {
            lock.inTransaction(connection, transaction -> {
                apply(transaction, script);
                DatabaseEvents.notify(transaction, DatabaseEvents.SETUP);
                return null;
            });
            return;
        }
        List<String> invalidBefore = lock.inTransaction(connection, Migrator::invalidIndexes);
        try {
            lock.outsideTransaction(connection, statements -> {
                ScriptRunner runner = new ScriptRunner(statements);
                runner.setAutoCommit(true);
                runner.setSendFullScript(false);
                runner.setStopOnError(true);
                runner.setThrowWarning(false);
                runner.setLogWriter(null);
                runner.setErrorLogWriter(null);
                runner.runScript(new StringReader(read(script, false)));
                return null;
            });
        } catch (RuntimeException e) {
            SQLException cause = sqlCause(e).orElseThrow(() -> e);
            if (DatabaseFailure.notTheScriptsFault(cause)) {
                throw cause;
            }
            List<String> left = lock.inTransaction(connection, Migrator::invalidIndexes);
            left.removeAll(invalidBefore);
            dropConcurrently(lock, connection, left);
            throw scriptFailure(script, cause, " It ran outside a transaction: the statements before the failing one"
                    + " stay applied" + (left.isEmpty() ? "" : ", and the invalid index it left (" + String.join(", ", left)
                    + ") was dropped") + "; fix the script so that it can run again, then restart or retry setup.");
        }
        lock.inTransaction(connection, transaction -> {
            record(transaction, script);
            DatabaseEvents.notify(transaction, DatabaseEvents.SETUP);
            return null;
        });
    }

    /**
     * Applies every pending script under the migration lock, each on its own ({@link #applyAlone}). The lock is
     * held throughout by a connection of its own, so no other replica applies anything meanwhile.
     *
     * @return the scripts this call applied
     */
    public List<Script> up(ConnectionSource connections, MigrationLock.Waits waits) throws SQLException {
        try (Connection holder = connections.open();
             MigrationLock lock = MigrationLock.acquire(holder, waits);
             Connection work = connections.open()) {
            return applyPending(lock, work);
        }
    }

    /** Applies every pending script on {@code work}, each on its own, under {@code lock} (held by the caller). */
    public List<Script> applyPending(MigrationLock lock, Connection work) throws SQLException {
        List<Script> pending = lock.inTransaction(work, this::pending);
        for (Script script : pending) {
            applyAlone(lock, work, script);
        }
        return pending;
    }

    /** Undoes the last applied script and removes its changelog row, in one transaction under the lock. */
    public Script down(ConnectionSource connections, MigrationLock.Waits waits) throws SQLException {
        try (Connection holder = connections.open();
             MigrationLock lock = MigrationLock.acquire(holder, waits);
             Connection work = connections.open()) {
            return lock.inTransaction(work, connection -> {
                Applied last = applied(connection).values().stream().max(Comparator.comparing(Applied::id))
                        .orElseThrow(() -> new MigrationException("No applied migration to undo."));
                Script script = scripts().stream().filter(s -> s.id().equals(last.id())).findFirst()
                        .orElseThrow(() -> new MigrationException("Applied migration " + last.id().toPlainString()
                                                                  + " is missing from " + scriptsDirectory()));
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM " + CHANGELOG + " WHERE id = ?")) {
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
                return script;
            });
        }
    }

    private static void record(Connection connection, Script script) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + CHANGELOG + " (id, applied_at, description, checksum) VALUES (?, ?, ?, ?)")) {
            insert.setBigDecimal(1, script.id());
            insert.setString(2, appliedAtNow());
            insert.setString(3, script.description());
            insert.setString(4, script.checksum());
            insert.executeUpdate();
        }
    }

    /** The script's own failure, with what to do {@code next}. */
    private static MigrationException scriptFailure(Script script, SQLException e, String next) {
        return new MigrationException("Migration " + script.fileName() + " failed: " + sentence(e.getMessage()) + next,
                                     "Migration " + script.fileName() + " failed (SQLSTATE " + e.getSQLState()
                                     + "; the service log has PostgreSQL's message)." + next, e);
    }

    /** Indexes of the current schema that a failed {@code CREATE INDEX CONCURRENTLY} left invalid. */
    private static List<String> invalidIndexes(Connection connection) throws SQLException {
        List<String> invalid = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT quote_ident(c.relname) FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c"
                     + " ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                     + " WHERE NOT i.indisvalid AND n.nspname = current_schema() ORDER BY 1")) {
            while (rows.next()) {
                invalid.add(rows.getString(1));
            }
        }
        return invalid;
    }

    private static void dropConcurrently(MigrationLock lock, Connection connection, List<String> indexes)
            throws SQLException {
        if (indexes.isEmpty()) {
            return;
        }
        lock.outsideTransaction(connection, statements -> {
            for (String index : indexes) {
                try (Statement statement = statements.createStatement()) {
                    statement.execute("DROP INDEX CONCURRENTLY IF EXISTS " + index);
                }
            }
            return null;
        });
    }

    private static Optional<SQLException> sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    private static Script script(Change change, Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read migration " + file, e);
        }
        String forward = text.contains(UNDO) ? text.substring(0, text.indexOf(UNDO)) : text;
        Mode mode = OUTSIDE.matcher(forward).find() ? Mode.OUTSIDE_TRANSACTION
                : ADDS_ENUM_VALUE.matcher(forward).find() ? Mode.COMMIT_AFTER
                : Mode.TRANSACTIONAL;
        return new Script(change.getId(), change.getDescription(), change.getFilename(), checksum(file), mode);
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
