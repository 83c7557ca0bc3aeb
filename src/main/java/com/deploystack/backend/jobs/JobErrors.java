package com.deploystack.backend.jobs;

import java.sql.SQLException;

/**
 * The error recorded on a failed attempt: one line naming what went wrong, never a stack trace; for a database
 * failure only its SQLSTATE (PostgreSQL's text may quote the values of a row).
 */
final class JobErrors {

    static final int MAX_LENGTH = 500;

    private JobErrors() {
    }

    static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return "Database error (SQLSTATE " + sql.getSQLState() + ")";
            }
        }
        String message = failure.getMessage();
        String line = message == null || message.isBlank() ? failure.getClass().getSimpleName()
                : message.strip().lines().findFirst().orElse("");
        return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH - 1) + "…";
    }
}
