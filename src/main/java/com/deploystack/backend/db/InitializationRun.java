package com.deploystack.backend.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One initialization under the migration lock, the same flow for setup and for the catch-up at start: take the
 * lock on a connection of its own, apply the pending scripts, run the steps, and finish in the last transaction.
 * They differ only where they must: setup first checks the marker (another replica may have set up meanwhile) and
 * keeps every transactional script for that last transaction, so that it all commits or nothing does; the
 * catch-up commits each script on its own, so that a process killed at any instant leaves the database exactly
 * before or after one. Either way a script that must run outside a transaction, or that adds an enum value, makes
 * the scripts before it commit first.
 */
final class InitializationRun {

    /** Setup or catch-up. */
    enum Kind { SETUP, CATCH_UP }

    private final Database database;
    private final Migrator migrator;
    private final List<InitializationStep> steps;
    private final MigrationLock.Waits waits;

    InitializationRun(Database database, Migrator migrator, List<InitializationStep> steps, MigrationLock.Waits waits) {
        this.database = database;
        this.migrator = migrator;
        this.steps = steps;
        this.waits = waits;
    }

    /**
     * Runs {@code kind}: {@code begin} once the lock is held (and, for setup, the marker found absent), {@code finish}
     * last in the final transaction (the marker, the selection file).
     *
     * @return false when setup found the marker (another replica performed it): nothing was done
     */
    boolean run(Kind kind, StepTimes times, Runnable begin, Transaction.Work<Void> finish) throws SQLException {
        try (Connection holder = database.connectForMigrations();
             MigrationLock lock = MigrationLock.acquire(holder, waits);
             Connection work = database.connectForMigrations()) {
            if (kind == Kind.SETUP && lock.inTransaction(work, SetupMarker::exists)) {
                return false;
            }
            begin.run();
            database.phases().step(Step.MIGRATIONS);
            List<Script> batch = new ArrayList<>();
            for (Script script : lock.inTransaction(work, migrator::pending)) {
                if (script.mode() == Script.Mode.OUTSIDE_TRANSACTION) {
                    commit(lock, work, batch);
                    migrator.applyAlone(lock, work, script);
                } else {
                    batch.add(script);
                    if (kind == Kind.CATCH_UP || script.mode() == Script.Mode.COMMIT_AFTER) {
                        commit(lock, work, batch);
                    }
                }
            }
            lock.inTransaction(work, transaction -> {
                for (Script script : batch) {
                    migrator.apply(transaction, script);
                }
                times.done(Step.MIGRATIONS);
                for (InitializationStep step : steps) {
                    database.phases().step(step.step());
                    step.run(transaction);
                    times.done(step.step());
                }
                database.phases().step(Step.FINISHING);
                finish.run(transaction);
                return null;
            });
            times.done(Step.FINISHING);
            return true;
        }
    }

    /** Applies and commits the scripts of {@code batch} (a transaction boundary), then empties it. */
    private void commit(MigrationLock lock, Connection work, List<Script> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        lock.inTransaction(work, transaction -> {
            for (Script script : batch) {
                migrator.apply(transaction, script);
            }
            DatabaseEvents.notify(transaction, DatabaseEvents.SETUP);
            return null;
        });
        batch.clear();
    }
}
