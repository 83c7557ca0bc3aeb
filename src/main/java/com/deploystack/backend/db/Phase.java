package com.deploystack.backend.db;

/**
 * The phases of the database layer. {@code configured} in the status answer means "not UNCONFIGURED",
 * {@code initialized} means INITIALIZED.
 */
public enum Phase {
    /** Required connection settings are missing or malformed; only status, health and the wizard work. */
    UNCONFIGURED,
    /** Settings are valid; setup has not been performed (or is not yet known to have been). */
    CONFIGURED,
    /** Setup or start-up migrations are running. */
    INITIALIZING,
    /** Migrations applied; the database may be used. */
    INITIALIZED,
    /** Setup or start-up migrations failed; the reason is kept and setup may be retried. */
    FAILED
}
