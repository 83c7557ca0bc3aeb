package com.deploystack.backend.db;

/** The database was asked for before setup completed; answered with 503 and the spec's message. */
public final class DatabaseNotAvailableException extends RuntimeException {

    public static final String MESSAGE = "Database not available. Please complete the setup process at /setup first.";

    public DatabaseNotAvailableException() {
        super(MESSAGE);
    }
}
