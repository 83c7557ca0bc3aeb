package com.deploystack.backend;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.deploystack.backend.db.MigrationException;
import com.deploystack.backend.db.Migrator;
import io.helidon.config.Config;

/**
 * {@code java -jar deploystack-db.jar migrate new|up|status|down}: DeployStack's {@code db:generate} and
 * {@code db:up}, on the same configuration, repository and lock as the service.
 */
final class MigrateCommand {


    static final String USAGE_TEXT = """
            Usage: java -jar deploystack-db.jar migrate <command>
              new "<description>"  create the next timestamped script in the migrations repository
              up                   apply every pending script (each with its changelog row, under the lock)
              status               list every script: applied, changed, missing, pending or out of order
              down                 undo the last applied script
            Exit codes: 0 done (status: all applied), 1 status found scripts pending, changed, missing or
            out of order, 2 wrong arguments, 3 database not configured, 4 PostgreSQL unreachable,
            5 a migration failed or the repository is inconsistent.""";

    private static final DateTimeFormatter SCRIPT_ID = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private final Config config;
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    MigrateCommand(Config config, Map<String, String> env, PrintStream out, PrintStream err) {
        this.config = config;
        this.env = env;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code args} (without the leading "migrate") and returns the exit code. */
    int run(List<String> args) {
        if (args.isEmpty()) {
            return usage("missing command");
        }
        String command = args.getFirst();
        List<String> rest = args.subList(1, args.size());
        return switch (command) {
            case "new" -> rest.size() == 1 && !rest.getFirst().isBlank() ? create(rest.getFirst())
                    : usage("migrate new takes one description, e.g. migrate new \"add projects table\"");
            case "up", "status", "down" -> rest.isEmpty() ? withDatabase(command) : usage("migrate " + command
                                                                                          + " takes no arguments");
            default -> usage("unknown command '" + command + "'");
        };
    }

    private int usage(String problem) {
        err.println("migrate: " + problem);
        err.println(USAGE_TEXT);
        return CommandDatabase.USAGE;
    }

    private Migrator migrator() {
        return new Migrator(Path.of(config.get("paths.migrations").asString().orElse("migrations")));
    }

    private int create(String description) {
        Path scripts = migrator().scriptsDirectory();
        String slug = description.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_|_$", "");
        if (slug.isEmpty()) {
            return usage("the description needs at least one letter or digit");
        }
        try {
            Files.createDirectories(scripts);
            ZonedDateTime id = ZonedDateTime.now(ZoneOffset.UTC);
            Path script;
            while (true) {
                String prefix = SCRIPT_ID.format(id);
                try (var existing = Files.list(scripts)) {
                    if (existing.noneMatch(file -> file.getFileName().toString().startsWith(prefix + "_"))) {
                        script = scripts.resolve(prefix + "_" + slug + ".sql");
                        break;
                    }
                }
                id = id.plusSeconds(1);
            }
            Files.writeString(script, """
                    -- // %s
                    -- Migration SQL that makes the change goes here. It runs in one transaction together with
                    -- its changelog row. Never edit this file once it has been applied: add a new script.


                    -- //@UNDO
                    -- SQL that undoes the change goes here (migrate down).

                    """.formatted(description.strip().replaceAll("\\R", " ")));
            out.println(script);
            return CommandDatabase.OK;
        } catch (IOException e) {
            err.println("migrate: cannot create the script in " + scripts + ": " + e.getMessage());
            return CommandDatabase.FAILED;
        }
    }

    private int withDatabase(String command) {
        return new CommandDatabase("migrate", config, env, err).run("", connection -> {
            try {
                return switch (command) {
                    case "up" -> up(connection);
                    case "down" -> down(connection);
                    default -> status(connection);
                };
            } catch (MigrationException e) {
                err.println("migrate: " + e.getMessage());
                return CommandDatabase.FAILED;
            }
        });
    }

    private int up(Connection connection) throws SQLException {
        List<Migrator.Script> applied = migrator().up(connection);
        applied.forEach(script -> out.println("applied " + script.fileName()));
        out.println(applied.isEmpty() ? "Nothing to apply: the database is up to date."
                            : "Applied " + applied.size() + " script" + (applied.size() == 1 ? "." : "s."));
        return CommandDatabase.OK;
    }

    private int down(Connection connection) throws SQLException {
        Migrator.Script undone = migrator().down(connection);
        out.println("undid " + undone.fileName());
        return CommandDatabase.OK;
    }

    private int status(Connection connection) throws SQLException {
        List<Migrator.ScriptStatus> rows = migrator().status(connection);
        out.printf("%-16s %-25s %-13s %s%n", "ID", "APPLIED AT", "STATE", "DESCRIPTION");
        for (Migrator.ScriptStatus row : rows) {
            out.printf("%-16s %-25s %-13s %s%n", row.id().toPlainString(),
                       row.appliedAt().isEmpty() ? "-" : row.appliedAt(),
                       row.state().name().toLowerCase(Locale.ROOT).replace('_', ' '), row.description());
        }
        boolean upToDate = rows.stream().allMatch(row -> row.state() == Migrator.State.APPLIED);
        return upToDate ? CommandDatabase.OK : CommandDatabase.NOT_UP_TO_DATE;
    }
}
