package com.deploystack.backend;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

import com.deploystack.backend.db.DatabaseConfiguration;
import com.deploystack.backend.db.DatabaseFailure;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.EmbeddedDatabase;
import com.deploystack.backend.db.MigrationLock;
import io.helidon.config.Config;

/**
 * The database of a command-line run ({@code migrate}, {@code settings}): the same {@code POSTGRES_*}
 * configuration as the service, the embedded PostgreSQL when no variable is set, one connection, and the
 * commands' shared exit codes for what goes wrong around the work.
 */
final class CommandDatabase {

    static final int OK = 0;
    static final int NOT_UP_TO_DATE = 1;
    static final int USAGE = 2;
    static final int NOT_CONFIGURED = 3;
    static final int UNREACHABLE = 4;
    static final int FAILED = 5;

    /** The command's work on the connection; returns its exit code. */
    @FunctionalInterface
    interface Work {
        int run(Connection connection) throws SQLException;
    }

    /** Work that also opens other connections to the same server (e.g. scratch databases). */
    @FunctionalInterface
    interface ServerWork {
        int run(Connection connection, DatabaseSettings settings) throws SQLException;
    }

    private final String command;
    private final Config config;
    private final Map<String, String> env;
    private final PrintStream err;

    CommandDatabase(String command, Config config, Map<String, String> env, PrintStream err) {
        this.command = command;
        this.config = config;
        this.env = env;
        this.err = err;
    }

    /**
     * How the command waits for the migration lock: as long as the service's setup does, saying on stderr what it
     * waits for.
     */
    MigrationLock.Waits waits(DatabaseSettings settings) {
        return MigrationLock.Waits.of(settings, settings.pool().lockPatience(), waiting -> {
            if (!waiting.isEmpty()) {
                err.println(command + ": waiting for " + waiting);
            }
        });
    }

    /** Runs {@code work}; a database error it does not handle is printed after {@code failure}. */
    int run(String failure, Work work) {
        return run(failure, (connection, settings) -> work.run(connection));
    }

    /** {@link #run(String, Work)} for work that needs the connection settings too. */
    int run(String failure, ServerWork work) {
        DatabaseSettings.PoolSettings pool = DatabaseSettings.PoolSettings.from(config.get("db"));
        DatabaseConfiguration configuration = DatabaseConfiguration.read(env, pool);
        Optional<EmbeddedDatabase> embedded = Optional.empty();
        try {
            if (configuration.mode() == DatabaseConfiguration.Mode.EMBEDDED) {
                Path data = ServicePaths.from(config.get("paths")).data();
                try {
                    embedded = Optional.of(EmbeddedDatabase.start(data, 0, pool));
                } catch (IOException | RuntimeException e) {
                    err.println(command + ": the embedded PostgreSQL in " + data + " could not start (is the service"
                                + " running on it?): " + e.getMessage());
                    return UNREACHABLE;
                }
                configuration = DatabaseConfiguration.embedded(embedded.get().settings());
            }
            if (!configuration.configured()) {
                err.println(command + ": database is not configured: " + configuration.problems());
                return NOT_CONFIGURED;
            }
            DatabaseSettings settings = configuration.settings().orElseThrow();
            try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.driverProperties())) {
                return work.run(connection, settings);
            }
        } catch (SQLException e) {
            if (DatabaseFailure.isUnreachable(e)) {
                err.println(command + ": PostgreSQL is unreachable: " + e.getMessage());
                return UNREACHABLE;
            }
            err.println(command + ": " + failure + e.getMessage());
            return FAILED;
        } finally {
            embedded.ifPresent(postgres -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // exiting anyway
                }
            });
        }
    }
}
