package com.deploystack.backend.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work that setup runs after the migrations, inside its transaction and under the migration lock, and
 * that every later start repeats (global settings, plugin tables). It must be idempotent, and it must not
 * commit: the caller commits once every step has run.
 */
public interface InitializationStep {

    /** The step's name as the status endpoint shows it while it runs, e.g. {@code settings}. */
    String name();

    void run(Connection connection) throws SQLException;

    /**
     * Called after the transaction committed and the database became INITIALIZED, at setup
     * ({@code setupPerformed}) and at every start. A failure here leaves the database set up; setup then
     * answers that a restart may be required.
     */
    default void activate(boolean setupPerformed) {
    }
}
