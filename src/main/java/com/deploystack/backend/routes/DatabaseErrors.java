package com.deploystack.backend.routes;

import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

import com.deploystack.backend.db.DatabaseFailure;
import io.helidon.http.Status;
import org.postgresql.util.PSQLException;

/**
 * Turns a PostgreSQL error on a management route into a status and one sentence. PostgreSQL's own text
 * and the SQL never reach the response: known constraints have their sentence, others a generic one.
 */
final class DatabaseErrors {

    private record Answer(Status status, String message) {
    }

    private static final Map<String, Answer> CONSTRAINTS = Map.ofEntries(
            Map.entry("teams_slug_unique", conflict("A team with this slug already exists.")),
            Map.entry("teams_name_not_blank", bad("A team name must not be blank.")),
            Map.entry("teams_slug_format", bad("A team slug may hold only lowercase letters, digits and dashes.")),
            Map.entry("projects_name_not_blank", bad("A project name must not be blank.")),
            Map.entry("mcp_server_installations_name_unique",
                      conflict("This team already has an installation with this name.")),
            Map.entry("mcp_server_installations_type_check",
                      bad("Field \"installation_type\" must be \"local\" or \"cloud\".")),
            Map.entry("mcp_server_installations_server_id_fkey", bad("The MCP server does not exist.")),
            Map.entry("mcp_server_installations_team_id_fkey", bad("The team does not exist.")),
            Map.entry("mcp_servers_owner_team_id_fkey", conflict("The team still owns MCP servers.")),
            Map.entry("mcp_servers_slug_unique", conflict("An MCP server with this slug already exists.")));

    private DatabaseErrors() {
    }

    /** The status and sentence for {@code error}, a DbClient failure with a SQLException somewhere inside. */
    static ApiException describe(RuntimeException error) {
        Optional<SQLException> sql = sqlCause(error);
        if (sql.isEmpty()) {
            return new ApiException(Status.INTERNAL_SERVER_ERROR_500, "Database error.");
        }
        switch (DatabaseFailure.of(sql.get())) {
            case UNREACHABLE -> {
                return new ApiException(Status.SERVICE_UNAVAILABLE_503, "PostgreSQL is unreachable or every connection"
                                                                        + " is busy; try again shortly.");
            }
            case STATEMENT_TIMEOUT, LOCK_TIMEOUT -> {
                return new ApiException(Status.SERVICE_UNAVAILABLE_503, "PostgreSQL did not answer in time; try again"
                                                                        + " shortly.");
            }
            case DATABASE_MISSING -> {
                return new ApiException(Status.SERVICE_UNAVAILABLE_503, "The database is not available: it was dropped,"
                                                                        + " emptied or replaced.");
            }
            default -> {
                // the request's own error: below
            }
        }
        String state = String.valueOf(sql.get().getSQLState());
        Answer known = constraint(sql.get()).map(CONSTRAINTS::get).orElse(null);
        if (known != null) {
            return new ApiException(known.status(), known.message());
        }
        return switch (state) {
            case "23505" -> new ApiException(Status.CONFLICT_409, "The request conflicts with existing data.");
            case "23503" -> new ApiException(Status.CONFLICT_409,
                                             "The request refers to data that does not exist or is still in use.");
            case "23502", "23514" -> new ApiException(Status.BAD_REQUEST_400, "The request has a value that is not allowed.");
            default -> state.startsWith("22")
                    ? new ApiException(Status.BAD_REQUEST_400, "The request has a value of the wrong form.")
                    : new ApiException(Status.INTERNAL_SERVER_ERROR_500, "Database error (SQLSTATE " + state + ").");
        };
    }

    private static Optional<SQLException> sqlCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> constraint(SQLException sql) {
        return sql instanceof PSQLException psql && psql.getServerErrorMessage() != null
                ? Optional.ofNullable(psql.getServerErrorMessage().getConstraint())
                : Optional.empty();
    }

    private static Answer conflict(String message) {
        return new Answer(Status.CONFLICT_409, message);
    }

    private static Answer bad(String message) {
        return new Answer(Status.BAD_REQUEST_400, message);
    }
}
