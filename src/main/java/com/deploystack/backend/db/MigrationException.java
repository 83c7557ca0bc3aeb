package com.deploystack.backend.db;

/**
 * A migration problem an operator must act on; the message names the script and what to do. The public message
 * (for the unauthenticated status) leaves out PostgreSQL's own text.
 */
public final class MigrationException extends RuntimeException {

    private final String publicMessage;

    public MigrationException(String message) {
        this(message, message, null);
    }

    public MigrationException(String message, Throwable cause) {
        this(message, message, cause);
    }

    public MigrationException(String message, String publicMessage, Throwable cause) {
        super(message, cause);
        this.publicMessage = publicMessage;
    }

    public String publicMessage() {
        return publicMessage;
    }
}
