package com.deploystack.backend.db;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

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

    /**
     * A failure of setup or of the catch-up as the answer to give, in words for the operator: 503 for the way to the
     * database and for waits that ran out, 500 for the rest. The service log has the exception.
     */
    static SetupException describe(Exception e, Optional<DatabaseSettings> settings, Path selectionFile) {
        return switch (e) {
            case SetupException setupException -> setupException;
            case SQLException sql -> describe(sql, settings);
            case UncheckedIOException io -> failed("Could not write " + selectionFile + ": " + io.getCause().getMessage()
                                                   + ". Nothing was written.", io);
            case MigrationException migration -> failed(migration.getMessage(), migration);
            default -> failed("Setup failed: " + e.getMessage(), e);
        };
    }

    private static SetupException describe(SQLException e, Optional<DatabaseSettings> settings) {
        String where = settings.map(s -> s.host() + ":" + s.port()).orElse("the configured address");
        return switch (DatabaseFailure.of(e)) {
            case CERTIFICATE -> unreachable(
                    "PostgreSQL at " + where + " failed certificate verification (POSTGRES_SSL_MODE="
                    + settings.map(s -> s.sslMode().value()).orElse("") + "): "
                    + DatabaseFailure.certificateProblem(e).orElseThrow() + ". Check that POSTGRES_SSL_ROOT_CERT holds"
                    + " the CA that signed the server's certificate and that the certificate names POSTGRES_HOST;"
                    + " nothing was written.", e);
            case UNREACHABLE -> unreachable(
                    "PostgreSQL is unreachable at " + where + ": " + DatabaseFailure.rootMessage(e) + ". Check that it is"
                    + " running and that the POSTGRES_* settings are right; nothing was written.", e);
            case LOCK_TIMEOUT, STATEMENT_TIMEOUT -> unreachable(e.getMessage() + " Nothing was written.", e);
            default -> failed("Database error during setup: " + e.getMessage() + ". Nothing was written.", e);
        };
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
