package com.deploystack.backend.db;

import java.io.StringReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.ibatis.migration.operations.ScriptRunner;

/**
 * Applies the scripts of the {@link ScriptRepository} as the {@link MigrationPlan} says, under the
 * {@link MigrationLock}: each script and its {@link Changelog} row commit together, a script marked
 * {@value Script#OUTSIDE_TRANSACTION} runs statement by statement, and a failure says whether the script is at
 * fault. Each script run and each failure is metered ({@link MigrationMeters}).
 */
public final class Migrator {

    private final ScriptRepository repository;

    public Migrator(Path repository) {
        this.repository = new ScriptRepository(repository);
    }

    public Path scriptsDirectory() {
        return repository.scriptsDirectory();
    }

    /** The repository's scripts in id order. */
    public List<Script> scripts() {
        return repository.scripts();
    }

    /** Every script, applied or not, and every applied script missing from the repository. */
    public List<MigrationPlan.ScriptStatus> status(Connection connection) throws SQLException {
        return MigrationPlan.status(scripts(), Changelog.read(connection));
    }

    /** The scripts still to apply ({@link MigrationPlan#pending}). Call inside the migration lock. */
    public List<Script> pending(Connection connection) throws SQLException {
        return MigrationPlan.pending(scripts(), Changelog.read(connection), scriptsDirectory().toString());
    }

    /**
     * Runs a transactional {@code script} and records it in the changelog in the caller's transaction (no commit),
     * so that both happen or neither does. A failure of the script itself is a {@link MigrationException} that says
     * to fix it; a lost connection or a lock waited for too long stays a {@link SQLException}: the script is not
     * at fault.
     */
    public void apply(Connection connection, Script script) throws SQLException {
        long started = System.nanoTime();
        try {
            String sql = repository.sql(script, false);
            if (!sql.isBlank()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql);
                }
            }
            Changelog.record(connection, script);
            MigrationMeters.applied(script, started);
        } catch (SQLException e) {
            MigrationMeters.failed(script);
            if (DatabaseFailure.notTheScriptsFault(e)) {
                throw e;
            }
            throw scriptFailure(script, e, " Nothing of it was applied; fix the script, then restart or retry setup.");
        }
    }

    /**
     * Applies {@code script} on {@code connection} under {@code lock}: in a transaction of its own with its
     * changelog row, or statement by statement when it runs outside a transaction (its changelog row then follows
     * in a transaction once every statement succeeded). Tells the other replicas.
     */
    public void applyAlone(MigrationLock lock, Connection connection, Script script) throws SQLException {
        if (script.mode() != Script.Mode.OUTSIDE_TRANSACTION) {
            lock.inTransaction(connection, transaction -> {
                apply(transaction, script);
                DatabaseEvents.notify(transaction, DatabaseEvents.SETUP);
                return null;
            });
            return;
        }
        List<String> invalidBefore = lock.inTransaction(connection, Migrator::invalidIndexes);
        long started = System.nanoTime();
        try {
            lock.outsideTransaction(connection, statements -> {
                ScriptRunner runner = new ScriptRunner(statements);
                runner.setAutoCommit(true);
                runner.setSendFullScript(false);
                runner.setStopOnError(true);
                runner.setThrowWarning(false);
                runner.setLogWriter(null);
                runner.setErrorLogWriter(null);
                runner.runScript(new StringReader(repository.sql(script, false)));
                return null;
            });
        } catch (RuntimeException e) {
            MigrationMeters.failed(script);
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
            Changelog.record(transaction, script);
            DatabaseEvents.notify(transaction, DatabaseEvents.SETUP);
            return null;
        });
        MigrationMeters.applied(script, started);
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
                Changelog.Entry last = Changelog.read(connection).values().stream()
                        .max(Comparator.comparing(Changelog.Entry::id))
                        .orElseThrow(() -> new MigrationException("No applied migration to undo."));
                Script script = scripts().stream().filter(s -> s.id().equals(last.id())).findFirst()
                        .orElseThrow(() -> new MigrationException("Applied migration " + last.id().toPlainString()
                                                                  + " is missing from " + scriptsDirectory()));
                Changelog.remove(connection, script);
                String undo = repository.sql(script, true);
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

    private static String sentence(String message) {
        String text = String.valueOf(message).strip().replaceAll("\\s+", " ");
        return text.endsWith(".") ? text : text + ".";
    }
}
