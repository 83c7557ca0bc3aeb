package com.deploystack.backend.db;

import java.util.List;

/** Setup could not be performed; nothing was written. The kind decides the HTTP status. */
public final class SetupException extends RuntimeException {

    public enum Kind {
        /** Required variables missing or malformed: 400. */
        NOT_CONFIGURED,
        /** PostgreSQL could not be reached: 503. */
        UNREACHABLE,
        /** A step failed (migration, file, database error): 500. */
        FAILED,
        /** Setup would contradict what is known: the database is not the one a local file says was set up: 409. */
        CONFLICT
    }

    private final Kind kind;
    private final List<String> missing;
    private final List<String> invalid;

    private SetupException(Kind kind, String message, List<String> missing, List<String> invalid, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.missing = List.copyOf(missing);
        this.invalid = List.copyOf(invalid);
    }

    static SetupException notConfigured(DatabaseConfiguration configuration) {
        return new SetupException(Kind.NOT_CONFIGURED, "Database is not configured: " + configuration.problems() + ".",
                                  configuration.missing(), configuration.invalid(), null);
    }

    static SetupException unreachable(String message, Throwable cause) {
        return new SetupException(Kind.UNREACHABLE, message, List.of(), List.of(), cause);
    }

    static SetupException failed(String message, Throwable cause) {
        return new SetupException(Kind.FAILED, message, List.of(), List.of(), cause);
    }

    static SetupException conflict(String message) {
        return new SetupException(Kind.CONFLICT, message, List.of(), List.of(), null);
    }

    public Kind kind() {
        return kind;
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> invalid() {
        return invalid;
    }
}
