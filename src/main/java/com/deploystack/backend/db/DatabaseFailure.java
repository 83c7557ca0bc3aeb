package com.deploystack.backend.db;

import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/**
 * What a failure of PostgreSQL (or of the way to it) means for the service, read from its SQLSTATE and its causes:
 * the routes, setup, start-up and the command line all decide with this one classification.
 */
public enum DatabaseFailure {

    /** No connection: refused, reset, server shutting down or starting (SQLSTATE 08, 57P0x), or no free connection. */
    UNREACHABLE,
    /** The server's certificate was refused (a verifying {@code POSTGRES_SSL_MODE}). */
    CERTIFICATE,
    /** Login refused (28): wrong user or password. */
    AUTHENTICATION,
    /** The database named does not exist, or its tables are gone (3D000, 42P01): dropped or replaced under us. */
    DATABASE_MISSING,
    /** A lock was waited for longer than {@code lock_timeout} (55P03). */
    LOCK_TIMEOUT,
    /** A statement ran longer than {@code statement_timeout}, or was cancelled (57014). */
    STATEMENT_TIMEOUT,
    /** Not allowed to the service's role (42501). */
    PERMISSION,
    /** Anything else: the statement's (or the script's) own error. */
    OTHER;

    /** The failure {@code error} (anything with an SQLException or a certificate problem among its causes) is. */
    public static DatabaseFailure of(Throwable error) {
        if (certificateProblem(error).isPresent()) {
            return CERTIFICATE;
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return UNREACHABLE;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P0")) {
                    return UNREACHABLE;
                }
                if (state.startsWith("28")) {
                    return AUTHENTICATION;
                }
                switch (state) {
                    case "3D000", "42P01" -> {
                        return DATABASE_MISSING;
                    }
                    case "55P03" -> {
                        return LOCK_TIMEOUT;
                    }
                    case "57014" -> {
                        return STATEMENT_TIMEOUT;
                    }
                    case "42501" -> {
                        return PERMISSION;
                    }
                    default -> {
                        // a cause deeper down may say more
                    }
                }
            }
        }
        return OTHER;
    }

    /** A connection failure: the attempt may be retried, and nothing is wrong with the request or the script. */
    public static boolean isUnreachable(Throwable error) {
        return of(error) == UNREACHABLE;
    }

    /** A failure of the way to the database or of waiting, not of the SQL that was sent: never "fix the script". */
    static boolean notTheScriptsFault(Throwable error) {
        DatabaseFailure failure = of(error);
        return failure == UNREACHABLE || failure == LOCK_TIMEOUT || failure == STATEMENT_TIMEOUT;
    }

    /** The certificate check pgjdbc refused the server's certificate with, in words; empty for other failures. */
    public static Optional<String> certificateProblem(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CertificateException) {
                return Optional.of("the certificate is not trusted (" + rootMessage(t) + ")");
            }
            // pgjdbc's verify-full host name check fails without an exception of its own type
            if (String.valueOf(t.getMessage()).contains("could not be verified by hostnameverifier")) {
                return Optional.of("the certificate does not name the host (" + t.getMessage() + ")");
            }
        }
        return Optional.empty();
    }

    /** The message of the deepest cause: the driver's own words for a connection failure. */
    public static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
