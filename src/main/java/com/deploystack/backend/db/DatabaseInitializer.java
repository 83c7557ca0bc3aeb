package com.deploystack.backend.db;

import java.io.IOException;
import java.math.BigDecimal;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

/**
 * Initializes the database: the setup requested over HTTP, and the catch-up at every start.
 *
 * <p>Setup is one transaction under the migration lock: pending scripts, the initialization steps
 * (settings, plugin tables), the setup marker, then the selection file written atomically just before
 * commit. Any failure rolls everything back, removes
 * nothing that existed, writes no file, and leaves setup retryable. The "already performed?" check runs
 * inside the lock and reads the marker in the database, so every replica agrees.
 */
public final class DatabaseInitializer {

    private static final System.Logger LOG = System.getLogger(DatabaseInitializer.class.getName());

    /** What a setup request achieved. */
    public enum SetupResult {
        PERFORMED,
        /** Setup committed, but a service failed to start on it: the spec's restart_required fallback. */
        PERFORMED_RESTART_REQUIRED,
        ALREADY_PERFORMED
    }

    private final Database database;
    private final Migrator migrator;
    private final SelectionFile selectionFile;
    private final List<InitializationStep> steps;
    /** The database has migrations newer than any script this replica has: a newer release applied them. */
    public record SchemaAhead(BigDecimal newestApplied, BigDecimal newestKnown) {
    }

    private final ReentrantLock lock = new ReentrantLock(true);
    private volatile SelectionFile.Content selection;
    /** Set when the start was refused because the database is not the one that was set up: setup must not run. */
    private volatile String refusal;
    private volatile Optional<SchemaAhead> schemaAhead = Optional.empty();

    public DatabaseInitializer(Database database, Migrator migrator, SelectionFile selectionFile,
                               List<InitializationStep> steps) {
        this.database = database;
        this.migrator = migrator;
        this.selectionFile = selectionFile;
        this.steps = List.copyOf(steps);
        this.selection = selectionFile.read();
        if (selection instanceof SelectionFile.Corrupt corrupt) {
            LOG.log(Level.WARNING, corrupt.problem() + "; it is left as it is. Fix or remove it.");
        }
        if (selection instanceof SelectionFile.Selected && database.phases().phase() != Phase.UNCONFIGURED) {
            database.phases().setupIs(PhaseMachine.Setup.PERFORMED);
        }
    }

    /** Set while another replica has applied migrations this replica does not have. */
    public Optional<SchemaAhead> schemaAhead() {
        return schemaAhead;
    }

    /** The selection file as last read or written (read once at start, not per request). */
    public SelectionFile.Content selection() {
        return selection;
    }

    /** Performs setup once for the whole database, whichever replica or thread asks first. */
    public SetupResult setup() {
        DataSource dataSource = database.dataSource()
                .orElseThrow(() -> SetupException.notConfigured(database.configuration()));
        PhaseMachine.State state = database.phases().current();
        if (state.setup() == PhaseMachine.Setup.PERFORMED && state.phase() == Phase.INITIALIZING) {
            return SetupResult.ALREADY_PERFORMED;  // this replica is catching up: no need to wait for it
        }
        if (refusal != null) {
            throw SetupException.conflict(refusal);
        }
        lock.lock();
        try {
            if (database.phases().phase() == Phase.INITIALIZED) {
                return SetupResult.ALREADY_PERFORMED;
            }
            if (selection instanceof SelectionFile.Corrupt corrupt) {
                throw SetupException.failed(corrupt.problem() + ". It was not overwritten: fix or remove it,"
                                            + " then retry setup.", null);
            }
            try {
                return attemptSetup(dataSource::getConnection, dataSource);
            } catch (SetupException e) {
                if (e.kind() != SetupException.Kind.UNREACHABLE) {
                    throw e;
                }
                // A pooled connection may have died with a PostgreSQL restart before the pool noticed, or the pool
                // may still wait out its reconnect back-off after PostgreSQL returned: the attempt was rolled back,
                // so one more try on a connection of its own is safe, and works as soon as PostgreSQL answers.
                return attemptSetup(database::connectDirectly, dataSource);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Where a setup attempt takes its connection from. */
    @FunctionalInterface
    private interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private SetupResult attemptSetup(ConnectionSource source, DataSource dataSource) {
        try (Connection connection = source.open()) {
            return setup(connection, dataSource);
        } catch (SQLException e) {
            SetupException failure = unreachableOrFailed(e);
            LOG.log(Level.WARNING, "Database setup failed: " + failure.getMessage(), e);
            throw failure;
        }
    }

    /**
     * At start: when the selection file or the database marker says setup was performed, applies pending
     * migrations and becomes INITIALIZED; otherwise stays CONFIGURED and waits for setup.
     *
     * @throws SQLException when PostgreSQL cannot be reached (the caller retries)
     */
    public void resumeAtStartup() throws SQLException {
        Optional<DataSource> dataSource = database.dataSource();
        if (dataSource.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            PhaseMachine.State state = database.phases().current();
            if (state.phase() == Phase.INITIALIZED || refusal != null) {
                return;
            }
            DatabaseState found = read(dataSource.get());
            if (selection instanceof SelectionFile.Selected selected && found.empty()) {
                refuse(selected);
                return;
            }
            if (!found.marker() && state.setup() != PhaseMachine.Setup.PERFORMED && state.phase() != Phase.FAILED) {
                database.phases().setupIs(PhaseMachine.Setup.NOT_PERFORMED);
                LOG.log(Level.INFO, "Database is configured but not set up yet: open /setup or POST /api/db/setup");
                return;
            }
            bringUpToDate(dataSource.get());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps this replica in step with the others: while it waits for setup, catches up as soon as another replica
     * has performed it; once initialized, notices migrations that another (newer) replica applied. Skips a turn
     * while a setup or catch-up of this replica holds the lock.
     *
     * @throws SQLException when PostgreSQL cannot be reached (the next turn tries again)
     */
    public void followOtherReplicas() throws SQLException {
        Optional<DataSource> dataSource = database.dataSource();
        if (dataSource.isEmpty() || refusal != null || !lock.tryLock()) {
            return;
        }
        try {
            PhaseMachine.State state = database.phases().current();
            boolean waitingForSetup = state.setup() != PhaseMachine.Setup.PERFORMED
                                      && (state.phase() == Phase.CONFIGURED || state.phase() == Phase.FAILED);
            if (waitingForSetup) {
                DatabaseState found = read(dataSource.get());
                if (found.marker()) {
                    LOG.log(Level.INFO, "Setup was performed by another replica: catching up");
                    bringUpToDate(dataSource.get());
                } else if (state.setup() == PhaseMachine.Setup.UNKNOWN) {
                    database.phases().setupIs(PhaseMachine.Setup.NOT_PERFORMED);
                }
            } else if (state.phase() == Phase.INITIALIZED) {
                read(dataSource.get()).newestApplied().ifPresent(this::compareWithScripts);
            }
        } finally {
            lock.unlock();
        }
    }

    private void compareWithScripts(BigDecimal newestApplied) {
        BigDecimal newestKnown = migrator.scripts().getLast().id();
        Optional<SchemaAhead> ahead = newestApplied.compareTo(newestKnown) > 0
                ? Optional.of(new SchemaAhead(newestApplied, newestKnown)) : Optional.empty();
        if (ahead.isPresent() && schemaAhead.isEmpty()) {
            LOG.log(Level.WARNING, "Another replica applied migration " + newestApplied.toPlainString()
                                   + ", newer than this replica's newest script " + newestKnown.toPlainString()
                                   + ": deploy the newer release on this replica");
        }
        schemaAhead = ahead;
    }

    /** The selection file says setup was performed, the database has no trace of it: touch nothing. */
    private void refuse(SelectionFile.Selected selected) {
        String name = database.settings().map(DatabaseSettings::database).orElse("the configured database");
        refusal = "The database " + name + " has neither the DeployStack setup marker nor a changelog, but "
                  + selectionFile.path().getFileName() + " says setup was performed on "
                  + SelectionFile.format(selected.selectedAt()) + ": this is not the database that was set up (a wrong"
                  + " POSTGRES_DATABASE, or a restore that failed). Point POSTGRES_DATABASE at the right database or"
                  + " restore it; or, to set up anew on this empty database, remove " + selectionFile.path()
                  + " and restart. Nothing was created.";
        database.phases().refused(refusal);
        LOG.log(Level.ERROR, refusal);
    }

    private SetupResult setup(Connection connection, DataSource dataSource) throws SQLException {
        connection.setAutoCommit(false);
        boolean began = false;
        try {
            MigrationLock.acquire(connection);
            if (SetupMarker.exists(connection)) {
                connection.commit();
                bringUpToDate(dataSource);
                return SetupResult.ALREADY_PERFORMED;
            }
            database.phases().setupIs(PhaseMachine.Setup.NOT_PERFORMED);
            database.phases().beginInitializing("migrations");
            began = true;
            StepTimes times = new StepTimes();
            for (Migrator.Script script : migrator.pending(connection)) {
                migrator.apply(connection, script);
            }
            times.done("migrations");
            runSteps(connection, times);
            database.phases().step("finishing");
            Instant selectedAt = Instant.now();
            SetupMarker.record(connection, selectedAt);
            DatabaseEvents.notify(connection, DatabaseEvents.SETUP);
            selectionFile.write(selectedAt);
            try {
                connection.commit();
            } catch (SQLException e) {
                selectionFile.delete();
                throw e;
            }
            selection = new SelectionFile.Selected(SelectionFile.TYPE, selectedAt, SelectionFile.VERSION);
            database.phases().initialized();
            LOG.log(Level.INFO, "Database setup performed; selection written to " + selectionFile.path());
            return activateSteps(true) ? SetupResult.PERFORMED : SetupResult.PERFORMED_RESTART_REQUIRED;
        } catch (SQLException | IOException | RuntimeException e) {
            Catalog.rollbackQuietly(connection);
            SetupException failure = describe(e);
            if (began) {
                database.phases().failed(PublicReason.of(failure));
            }
            LOG.log(Level.WARNING, "Database setup failed: " + failure.getMessage(), e);
            throw failure;
        } finally {
            Catalog.autoCommitQuietly(connection, true);
        }
    }

    /** Applies pending scripts (each atomically, under the lock) and makes sure the marker exists. */
    private void bringUpToDate(DataSource dataSource) throws SQLException {
        database.phases().setupIs(PhaseMachine.Setup.PERFORMED);
        database.phases().beginInitializing("migrations");
        StepTimes times = new StepTimes();
        try (Connection connection = dataSource.getConnection()) {
            migrator.up(connection);
            DatabaseState.read(connection).newestApplied().ifPresent(this::compareWithScripts);
            times.done("migrations");
            connection.setAutoCommit(false);
            try {
                MigrationLock.acquire(connection);
                runSteps(connection, times);
                database.phases().step("finishing");
                SetupMarker.record(connection, selectedAt());
                connection.commit();
                times.done("finishing");
            } catch (SQLException | RuntimeException e) {
                Catalog.rollbackQuietly(connection);
                throw e;
            } finally {
                Catalog.autoCommitQuietly(connection, true);
            }
            database.phases().initialized();
            activateSteps(false);
            times.done("activation");
            LOG.log(Level.INFO, "Database initialized; migrations are up to date. " + times);
        } catch (SQLException e) {
            SetupException failure = unreachableOrFailed(e);
            database.phases().failed(PublicReason.of(failure));
            if (failure.kind() == SetupException.Kind.UNREACHABLE) {
                throw e;
            }
            LOG.log(Level.ERROR, "Database initialization failed: " + failure.getMessage(), e);
        } catch (RuntimeException e) {
            database.phases().failed(PublicReason.of(e));
            LOG.log(Level.ERROR, "Database initialization failed: " + e.getMessage(), e);
        }
    }

    private void runSteps(Connection connection, StepTimes times) throws SQLException {
        for (InitializationStep step : steps) {
            database.phases().step(step.name());
            step.run(connection);
            times.done(step.name());
        }
    }

    /** Runs every step's post-commit activation; false when one failed (each failure is logged). */
    private boolean activateSteps(boolean setupPerformed) {
        boolean allActive = true;
        for (InitializationStep step : steps) {
            try {
                step.activate(setupPerformed);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Step " + step.name() + " could not start on the initialized database: "
                                     + e.getMessage() + "; a restart may be required");
                allActive = false;
            }
        }
        return allActive;
    }

    private SetupException describe(Exception e) {
        return switch (e) {
            case SetupException setupException -> setupException;
            case SQLException sql -> unreachableOrFailed(sql);
            case IOException io -> SetupException.failed("Could not write " + selectionFile.path() + ": "
                                                         + io.getMessage() + ". Nothing was written.", io);
            case MigrationException migration -> SetupException.failed(migration.getMessage(), migration);
            default -> SetupException.failed("Setup failed: " + e.getMessage(), e);
        };
    }

    private Instant selectedAt() {
        return selection instanceof SelectionFile.Selected selected ? selected.selectedAt() : Instant.now();
    }

    private static DatabaseState read(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return DatabaseState.read(connection);
        }
    }

    private SetupException unreachableOrFailed(SQLException e) {
        String where = database.settings().map(s -> s.host() + ":" + s.port()).orElse("the configured address");
        Optional<String> certificate = certificateProblem(e);
        if (certificate.isPresent()) {
            String mode = database.settings().map(s -> s.sslMode().value()).orElse("");
            return SetupException.unreachable("PostgreSQL at " + where + " failed certificate verification"
                                              + " (POSTGRES_SSL_MODE=" + mode + "): " + certificate.get()
                                              + ". Check that POSTGRES_SSL_ROOT_CERT holds the CA that signed the"
                                              + " server's certificate and that the certificate names POSTGRES_HOST;"
                                              + " nothing was written.", e);
        }
        if (isUnreachable(e)) {
            return SetupException.unreachable("PostgreSQL is unreachable at " + where + ": " + rootMessage(e)
                                              + ". Check that it is running and that the POSTGRES_* settings are"
                                              + " right; nothing was written.", e);
        }
        return SetupException.failed("Database error during setup: " + e.getMessage() + ". Nothing was written.", e);
    }

    /** A connection failure (SQLSTATE class 08, 57P0x shutdown/startup, or a pool timeout). */
    public static boolean isUnreachable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }

    /** The certificate check pgjdbc refused the server's certificate with, in words; empty for other failures. */
    public static Optional<String> certificateProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException) {
                return Optional.of("the certificate is not trusted (" + rootMessage(t) + ")");
            }
            // pgjdbc's verify-full host name check fails without an exception of its own type
            if (String.valueOf(t.getMessage()).contains("could not be verified by hostnameverifier")) {
                return Optional.of("the certificate does not name the host (" + t.getMessage() + ")");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
