package com.deploystack.backend.db;

import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A failure as the unauthenticated status endpoint tells it: which setting or step is wrong, in words, without
 * absolute paths, host names or PostgreSQL's own text. The service log keeps the details.
 */
public final class PublicReason {

    private static final String SEE_LOG = " The service log has the details.";
    /** An absolute path: a slash-separated run of names after a space, quote or the start of the text. */
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<=^|[\\s'\"(])/(?:[^/\\s'\",;:()]+/)*([^/\\s'\",;:()]+)");

    private PublicReason() {
    }

    /** The public sentence for a failure of setup or of the start-up catch-up. */
    public static String of(Throwable failure) {
        if (DatabaseFailure.certificateProblem(failure).isPresent()) {
            return "PostgreSQL's certificate failed verification: check POSTGRES_SSL_MODE and POSTGRES_SSL_ROOT_CERT."
                   + SEE_LOG;
        }
        Optional<SQLException> sql = sqlCause(failure);
        if (sql.isPresent() && DatabaseFailure.isUnreachable(sql.get())) {
            return "PostgreSQL is unreachable: check that it is running and the POSTGRES_HOST and POSTGRES_PORT"
                   + " settings." + SEE_LOG;
        }
        String state = sql.map(SQLException::getSQLState).orElse("");
        if (state.startsWith("28")) {
            return "PostgreSQL refused the login: check POSTGRES_USER and POSTGRES_PASSWORD." + SEE_LOG;
        }
        Optional<MigrationException> migration = cause(failure, MigrationException.class);
        if (migration.isPresent()) {
            return withoutPaths(migration.get().publicMessage());
        }
        if (sql.isPresent()) {
            return "A database error (SQLSTATE " + state + ") stopped the initialization." + SEE_LOG;
        }
        return withoutPaths(String.valueOf(failure.getMessage()));
    }

    /** {@code text} with every absolute path shortened to its last name ({@code /srv/data/x.json} → {@code x.json}). */
    public static String withoutPaths(String text) {
        return ABSOLUTE_PATH.matcher(text).replaceAll("$1");
    }

    private static Optional<SQLException> sqlCause(Throwable failure) {
        return cause(failure, SQLException.class);
    }

    private static <T extends Throwable> Optional<T> cause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }
}
