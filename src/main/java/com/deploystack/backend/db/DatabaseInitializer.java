package com.deploystack.backend.db;

import java.io.IOException;
import java.math.BigDecimal;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

/**
 * Initializes the database: the setup requested over HTTP, and the catch-up at every start.
 *
 * <p>Setup is one transaction under the migration lock: pending scripts, the initialization steps
 * (settings, plugin tables), the setup marker, then the selection file written atomically just before
 * commit. Any failure rolls everything back, removes nothing that existed, writes no file, and leaves setup
 * retryable; only a script that must run outside a transaction, or that adds enum values, makes setup commit the
 * scripts before it first (they stay applied when a later step fails, and a retry goes on from there). The
 * "already performed?" check runs inside the lock and reads the marker in the database, so every replica
 * agrees.
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

    /** A catch-up waits for the migration lock as long as another replica holds it (each wait is bounded). */
    private static final Duration CATCH_UP_PATIENCE = Duration.ofDays(36500);

    private final ReentrantLock lock = new ReentrantLock(true);
    private final AtomicReference<CompletableFuture<SetupResult>> setupAttempt = new AtomicReference<>();
    private final Duration setupPatience;
    private volatile String waitingFor = "";
    private volatile SelectionFile.Content selection;
    /** Set when the start was refused because the database is not the one that was set up: setup must not run. */
    private volatile String refusal;
    private volatile Optional<SchemaAhead> schemaAhead = Optional.empty();
    private volatile Optional<BigDecimal> schemaVersion = Optional.empty();

    public DatabaseInitializer(Database database, Migrator migrator, SelectionFile selectionFile,
                               List<InitializationStep> steps) {
        this.database = database;
        this.setupPatience = database.settings().map(settings -> settings.pool().lockPatience()).orElse(Duration.ZERO);
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

    /**
     * The id of the newest script the changelog records, as last read (at the end of setup or of the catch-up, then
     * at every look at what other replicas did); empty before that.
     */
    public Optional<BigDecimal> schemaVersion() {
        return schemaVersion;
    }

    /** The selection file as last read or written (read once at start, not per request). */
    public SelectionFile.Content selection() {
        return selection;
    }

    /** What is waited for right now ("" when nothing): another replica's migration lock, a table lock. */
    public String waitingFor() {
        return waitingFor;
    }

    /**
     * Performs setup once for the whole database, whichever replica or thread asks first. Requests that arrive
     * while this process is already attempting setup share that attempt's outcome (a setup performed meanwhile
     * answers them 409) instead of queueing behind it. Every request is metered by its outcome ({@link SetupMeters}).
     */
    public SetupResult setup() {
        long started = System.nanoTime();
        try {
            SetupResult result = setupOrShare();
            SetupMeters.record(result, started);
            return result;
        } catch (RuntimeException e) {
            SetupMeters.record(e, started);
            throw e;
        }
    }

    private SetupResult setupOrShare() {
        if (database.dataSource().isEmpty()) {
            throw SetupException.notConfigured(database.configuration());
        }
        PhaseMachine.State state = database.phases().current();
        if (state.setup() == PhaseMachine.Setup.PERFORMED && state.phase() == Phase.INITIALIZING) {
            return SetupResult.ALREADY_PERFORMED;  // this replica is catching up: no need to wait for it
        }
        if (refusal != null) {
            throw SetupException.conflict(refusal);
        }
        CompletableFuture<SetupResult> attempt = new CompletableFuture<>();
        CompletableFuture<SetupResult> running = setupAttempt.compareAndExchange(null, attempt);
        if (running != null) {
            return outcomeOf(running);
        }
        try {
            SetupResult result = attemptSetup();
            attempt.complete(result);
            return result;
        } catch (RuntimeException e) {
            attempt.completeExceptionally(e);
            throw e;
        } finally {
            setupAttempt.set(null);
        }
    }

    /** Another request's attempt, as this request's answer: only one request performed setup. */
    private static SetupResult outcomeOf(CompletableFuture<SetupResult> running) {
        try {
            running.join();
            return SetupResult.ALREADY_PERFORMED;
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
    }

    private SetupResult attemptSetup() {
        lock.lock();
        try {
            if (database.phases().phase() == Phase.INITIALIZED) {
                return SetupResult.ALREADY_PERFORMED;
            }
            if (selection instanceof SelectionFile.Corrupt corrupt) {
                throw SetupException.failed(corrupt.problem() + ". It was not overwritten: fix or remove it,"
                                            + " then retry setup.", null);
            }
            // connections of its own: a setup must not wait for the pool, nor for the pool to recover
            Optional<SetupResult> result = setupUnderLock();
            if (result.isPresent()) {
                return result.get();
            }
            bringUpToDate();
            return SetupResult.ALREADY_PERFORMED;
        } catch (SQLException e) {
            SetupException failure = SetupException.describe(e, database.settings(), selectionFile.path());
            LOG.log(Level.WARNING, "Database setup failed: " + failure.getMessage(), e);
            throw failure;
        } finally {
            lock.unlock();
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
            bringUpToDate();
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
                    bringUpToDate();
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
        schemaVersion = Optional.of(newestApplied);
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

    /**
     * Setup under the migration lock ({@link InitializationRun}): empty when the marker says another replica
     * performed it (the caller then catches up). The selection file is written in the last transaction, just before
     * it commits, and removed again when it does not.
     */
    private Optional<SetupResult> setupUnderLock() throws SQLException {
        Instant selectedAt = Instant.now();
        AtomicBoolean began = new AtomicBoolean();
        try {
            StepTimes times = new StepTimes();
            boolean performed = run(setupPatience).run(InitializationRun.Kind.SETUP, times, () -> {
                database.phases().setupIs(PhaseMachine.Setup.NOT_PERFORMED);
                database.phases().beginInitializing(Step.MIGRATIONS);
                began.set(true);
            }, transaction -> {
                SetupMarker.record(transaction, selectedAt);
                DatabaseEvents.notify(transaction, DatabaseEvents.SETUP);
                writeSelection(selectedAt);
                return null;
            });
            if (!performed) {
                return Optional.empty();
            }
        } catch (SQLException | RuntimeException e) {
            deleteSelection(e);
            SetupException failure = SetupException.describe(e, database.settings(), selectionFile.path());
            if (began.get()) {
                database.phases().failed(PublicReason.of(failure));
            }
            LOG.log(Level.WARNING, "Database setup failed: " + failure.getMessage(), e);
            throw failure;
        }
        selection = new SelectionFile.Selected(SelectionFile.TYPE, selectedAt, SelectionFile.VERSION);
        database.phases().initialized();
        // every script is applied now; the next look at the other replicas reads the changelog itself
        schemaVersion = migrator.scripts().stream().map(Script::id).max(Comparator.naturalOrder());
        LOG.log(Level.INFO, "Database setup performed; selection written to " + selectionFile.path());
        return Optional.of(activateSteps(true) ? SetupResult.PERFORMED : SetupResult.PERFORMED_RESTART_REQUIRED);
    }

    private InitializationRun run(Duration patience) {
        return new InitializationRun(database, migrator, steps,
                                     MigrationLock.Waits.of(database.settings().orElseThrow(), patience,
                                                            this::waitingFor));
    }

    private void writeSelection(Instant selectedAt) {
        try {
            selectionFile.write(selectedAt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The transaction that the selection file belongs to did not commit: the file must not say it did. */
    private void deleteSelection(Exception failure) {
        try {
            if (selection instanceof SelectionFile.Absent) {
                selectionFile.delete();
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Records what is waited for, for the status, and logs each new wait once. */
    private void waitingFor(String what) {
        if (!what.isEmpty() && !what.equals(waitingFor)) {
            LOG.log(Level.WARNING, "Waiting for " + what + " (each wait at most "
                                   + database.settings().orElseThrow().pool().lockTimeout().toMillis() + " ms, then"
                                   + " again)");
        }
        waitingFor = what;
    }

    /**
     * The catch-up ({@link InitializationRun}): prepares the steps before the lock, then applies pending scripts
     * (each on its own), runs the steps and makes sure the marker exists, waiting for the lock as long as it takes
     * (each wait bounded, the status saying for whom).
     */
    private void bringUpToDate() throws SQLException {
        database.phases().setupIs(PhaseMachine.Setup.PERFORMED);
        database.phases().beginInitializing(Step.MIGRATIONS);
        StepTimes times = new StepTimes();
        database.dataSource().ifPresent(dataSource -> steps.forEach(step -> step.prepare(dataSource)));
        times.done(Step.PREPARATION);
        try {
            Instant selectedAt = selectedAt();
            run(CATCH_UP_PATIENCE).run(InitializationRun.Kind.CATCH_UP, times, () -> { }, transaction -> {
                SetupMarker.record(transaction, selectedAt);
                return null;
            });
            readNewestApplied();
        } catch (SQLException e) {
            SetupException failure = SetupException.describe(e, database.settings(), selectionFile.path());
            database.phases().failed(PublicReason.of(failure));
            if (failure.kind() == SetupException.Kind.UNREACHABLE) {
                throw e;
            }
            LOG.log(Level.ERROR, "Database initialization failed: " + failure.getMessage(), e);
            return;
        } catch (RuntimeException e) {
            database.phases().failed(PublicReason.of(e));
            LOG.log(Level.ERROR, "Database initialization failed: " + e.getMessage(), e);
            return;
        }
        database.phases().initialized();
        activateSteps(false);
        times.done(Step.ACTIVATION);
        LOG.log(Level.INFO, "Database initialized; migrations are up to date. " + times);
    }

    /** Compares the changelog's newest script with this release's (the next look at the replicas tries again). */
    private void readNewestApplied() {
        database.dataSource().ifPresent(dataSource -> {
            try {
                read(dataSource).newestApplied().ifPresent(this::compareWithScripts);
            } catch (SQLException e) {
                LOG.log(Level.DEBUG, "Could not compare the changelog with this release's scripts", e);
            }
        });
    }

    /** Runs every step's post-commit activation; false when one failed (each failure is logged). */
    private boolean activateSteps(boolean setupPerformed) {
        boolean allActive = true;
        for (InitializationStep step : steps) {
            try {
                step.activate(setupPerformed);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Step " + step.step().label() + " could not start on the initialized database:"
                                     + " " + e.getMessage() + "; a restart may be required", e);
                allActive = false;
            }
        }
        return allActive;
    }

    private Instant selectedAt() {
        return selection instanceof SelectionFile.Selected selected ? selected.selectedAt() : Instant.now();
    }

    private static DatabaseState read(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return DatabaseState.read(connection);
        }
    }
}
