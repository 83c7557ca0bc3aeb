package com.deploystack.backend.db;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * Work that setup runs after the migrations, inside its transaction and under the migration lock, and
 * that every later start repeats (global settings, plugin tables). It must be idempotent, and it must not
 * commit: the caller commits once every step has run.
 */
public interface InitializationStep {

    /** Which step this is, as the status endpoint shows it while it runs. */
    Step step();

    /**
     * Starts slow work that needs neither the lock nor the transaction (deriving the settings key) before a catch-up
     * takes the migration lock, so that replicas catching up at once do it side by side instead of one after
     * another; {@link #run} waits for it. It creates nothing and returns at once; a failure is left for {@link #run}
     * to report.
     */
    default void prepare(DataSource dataSource) {
    }

    void run(Connection connection) throws SQLException;

    /**
     * Called after the transaction committed and the database became INITIALIZED, at setup
     * ({@code setupPerformed}) and at every start. A failure here leaves the database set up; setup then
     * answers that a restart may be required.
     */
    default void activate(boolean setupPerformed) {
    }
}
