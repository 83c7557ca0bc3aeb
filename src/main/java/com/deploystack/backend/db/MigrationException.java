package com.deploystack.backend.db;

/** A migration problem an operator must act on; the message names the script and what to do. */
public final class MigrationException extends RuntimeException {

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
