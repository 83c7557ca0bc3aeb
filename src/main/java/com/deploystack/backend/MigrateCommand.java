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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.MigrationException;
import com.deploystack.backend.db.MigrationLock;
import com.deploystack.backend.db.MigrationPlan;
import com.deploystack.backend.db.Migrator;
import com.deploystack.backend.db.Script;
import com.deploystack.backend.db.schema.DdlWriter;
import com.deploystack.backend.db.schema.DeclaredSchema;
import com.deploystack.backend.db.schema.Hazard;
import com.deploystack.backend.db.schema.MigrationGenerator;
import com.deploystack.backend.db.schema.Plan;
import com.deploystack.backend.db.schema.Rename;
import com.deploystack.backend.db.schema.SchemaDiff;
import com.deploystack.backend.db.schema.SchemaSnapshot;
import com.deploystack.backend.db.schema.SchemaStates;
import com.deploystack.backend.db.schema.ScratchDatabases;
import com.deploystack.backend.files.AtomicFile;
import io.helidon.config.Config;

/**
 * {@code java -jar deploystack-db.jar migrate new|generate|check|up|status|down}: DeployStack's {@code db:generate}
 * and {@code db:up}, on the same configuration, repository and lock as the service.
 */
final class MigrateCommand {


    static final String USAGE_TEXT = """
            Usage: java -jar deploystack-db.jar migrate <command>
              new "<description>"  create the next timestamped script in the migrations repository
              generate "<description>" [--rename old_table=new_table] [--rename table.old_column=new_column]
                                   [--allow-destructive]
                                   write the script from the schema the scripts produce to the one declared in
                                   migrations/schema/, with its undo; lists hazards first and refuses destructive
                                   changes without --allow-destructive; renames are never guessed
              check                fail unless the scripts produce the schema declared in migrations/schema/
              check --live         compare the configured database with what its applied scripts produce
              up                   apply every pending script (each with its changelog row, under the lock)
              status               list every script: applied, changed, missing, ahead (applied by a newer
                                   release), pending or out of order
              down                 undo the last applied script
            generate and check build schemas in scratch databases they create and drop (the user needs CREATEDB).
            Exit codes: 0 done (status: all applied; generate: written or nothing to write; check: no difference),
            1 status found scripts pending, changed, missing or out of order, check found differences, generate
            refused (destructive or not writable changes: nothing written), 2 wrong arguments, 3 database not
            configured, 4 PostgreSQL unreachable, 5 a migration failed or the repository is inconsistent.""";

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
            case "generate" -> generate(rest);
            case "check" -> rest.isEmpty() || rest.equals(List.of("--live")) ? check(!rest.isEmpty())
                    : usage("migrate check takes no argument but --live");
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

    private Path repository() {
        return ServicePaths.from(config.get("paths")).migrations();
    }

    private Migrator migrator() {
        return new Migrator(repository());
    }

    private static String slug(String description) {
        return description.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }

    /** The next free {@code <UTC timestamp>_<slug>.sql} in {@code scripts}, one second later when taken. */
    private static Path nextScript(Path scripts, String slug) throws IOException {
        Files.createDirectories(scripts);
        ZonedDateTime id = ZonedDateTime.now(ZoneOffset.UTC);
        while (true) {
            String prefix = SCRIPT_ID.format(id);
            try (var existing = Files.list(scripts)) {
                if (existing.noneMatch(file -> file.getFileName().toString().startsWith(prefix + "_"))) {
                    return scripts.resolve(prefix + "_" + slug + ".sql");
                }
            }
            id = id.plusSeconds(1);
        }
    }

    private int create(String description) {
        Path scripts = migrator().scriptsDirectory();
        String slug = slug(description);
        if (slug.isEmpty()) {
            return usage("the description needs at least one letter or digit");
        }
        try {
            Path script = nextScript(scripts, slug);
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

    private int generate(List<String> args) {
        String description = null;
        List<Rename> renames = new ArrayList<>();
        boolean allowDestructive = false;
        try {
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--allow-destructive")) {
                    allowDestructive = true;
                } else if (arg.equals("--rename") && i + 1 < args.size()) {
                    renames.add(Rename.parse(args.get(++i)));
                } else if (arg.startsWith("--rename=")) {
                    renames.add(Rename.parse(arg.substring("--rename=".length())));
                } else if (arg.startsWith("--")) {
                    return usage("unknown option " + arg + " of migrate generate");
                } else if (description != null) {
                    return usage("migrate generate takes one description; quote it: migrate generate \"add notes\"");
                } else {
                    description = arg;
                }
            }
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        if (description == null || slug(description).isEmpty()) {
            return usage("migrate generate takes a description with a letter or digit, e.g. migrate generate"
                         + " \"add projects table\"");
        }
        String text = description;
        boolean allow = allowDestructive;
        return new CommandDatabase("migrate", config, env, err).run("", (connection, settings) -> {
            try (ScratchDatabases scratch = new ScratchDatabases(connection, settings)) {
                return written(new MigrationGenerator(new SchemaStates(repository())).generate(scratch, renames),
                               text, allow);
            } catch (MigrationException e) {
                err.println("migrate: " + e.getMessage());
                return CommandDatabase.FAILED;
            } catch (IllegalArgumentException e) {
                err.println("migrate: " + e.getMessage());
                return CommandDatabase.USAGE;
            }
        });
    }

    /** Prints the changes and hazards, then writes the script unless something must stop it. */
    private int written(MigrationGenerator.Generated generated, String description, boolean allowDestructive) {
        Path schema = DeclaredSchema.directory(repository());
        if (generated.isEmpty()) {
            out.println("No difference: the scripts already produce the schema declared in " + schema
                        + ". Nothing written.");
            return CommandDatabase.OK;
        }
        out.println("Changes from the schema the scripts produce to " + schema + ":");
        generated.renames().forEach(change -> out.println("  " + change.describe()));
        generated.plan().changes().forEach(change -> out.println("  " + change.describe()));
        if (!generated.plan().possibleRenames().isEmpty()) {
            out.println("Possible renames (never guessed):");
            generated.plan().possibleRenames().forEach(line -> out.println("  " + line));
        }
        if (!generated.plan().unsupported().isEmpty()) {
            out.println("Nothing written: " + generated.plan().unsupported().size() + " difference(s) above need a"
                        + " script written by hand (migrate new).");
            return CommandDatabase.NOT_UP_TO_DATE;
        }
        out.println(generated.hazards().isEmpty() ? "Hazards: none." : "Hazards:");
        for (Hazard hazard : generated.hazards()) {
            out.println("  " + hazard.summary());
            out.println("      safely: " + hazard.safely());
        }
        long destructive = generated.hazards().stream().filter(Hazard::destructive).count();
        if (destructive > 0 && !allowDestructive) {
            out.println("Nothing written: " + destructive + " destructive change" + (destructive == 1 ? "" : "s")
                        + ". Run again with --allow-destructive once the safe steps above are done"
                        + (generated.plan().possibleRenames().isEmpty() ? "." : ", or with --rename if it is a rename."));
            return CommandDatabase.NOT_UP_TO_DATE;
        }
        Path scripts = migrator().scriptsDirectory();
        try {
            Path script = nextScript(scripts, slug(description));
            AtomicFile.write(script, DdlWriter.script(description, generated.forward(), generated.undo(),
                                                      generated.hazards()));
            out.println("Wrote " + script + ". Review it, then apply it with migrate up (or restart the service).");
            return CommandDatabase.OK;
        } catch (IOException e) {
            err.println("migrate: cannot write the script in " + scripts + ": " + e.getMessage());
            return CommandDatabase.FAILED;
        }
    }

    private int check(boolean live) {
        return new CommandDatabase("migrate", config, env, err).run("", (connection, settings) -> {
            SchemaStates states = new SchemaStates(repository());
            try (ScratchDatabases scratch = new ScratchDatabases(connection, settings)) {
                return live ? checkLive(states, connection, scratch) : checkScripts(states, scratch);
            } catch (MigrationException e) {
                err.println("migrate: " + e.getMessage());
                return CommandDatabase.FAILED;
            }
        });
    }

    private int checkScripts(SchemaStates states, ScratchDatabases scratch) throws SQLException {
        SchemaSnapshot scripts = states.scripts(scratch, scratch.create());
        Plan plan = SchemaDiff.plan(scripts, states.declared(scratch.create()));
        Path schema = DeclaredSchema.directory(repository());
        if (plan.isEmpty()) {
            out.println("The scripts produce the schema declared in " + schema + " (" + scripts.tables().size()
                        + " tables, " + scripts.enums().size() + " enum types).");
            return CommandDatabase.OK;
        }
        out.println("The scripts do not produce the schema declared in " + schema + ": " + plan.changes().size()
                    + " difference" + (plan.changes().size() == 1 ? "" : "s") + " from the scripts' schema to the"
                    + " declared one:");
        plan.changes().forEach(change -> out.println("  " + change.describe()));
        out.println("Write the script for them with: migrate generate \"<description>\"");
        return CommandDatabase.NOT_UP_TO_DATE;
    }

    private int checkLive(SchemaStates states, Connection connection, ScratchDatabases scratch) throws SQLException {
        SchemaStates.Expected expected = states.applied(connection, scratch);
        Plan plan = SchemaDiff.plan(expected.snapshot(), states.live(connection));
        expected.notes().forEach(note -> out.println("Note: " + note + "."));
        if (plan.isEmpty()) {
            out.println("The database matches the schema its applied scripts produce.");
            return CommandDatabase.OK;
        }
        out.println("The database differs from the schema its applied scripts produce (changes made outside the"
                    + " migrations): " + plan.changes().size() + " difference" + (plan.changes().size() == 1 ? "" : "s")
                    + ":");
        plan.changes().forEach(change -> out.println("  " + change.describe()));
        return CommandDatabase.NOT_UP_TO_DATE;
    }

    private int withDatabase(String command) {
        CommandDatabase database = new CommandDatabase("migrate", config, env, err);
        return database.run("", (connection, settings) -> {
            try {
                return switch (command) {
                    case "up" -> up(settings, database.waits(settings));
                    case "down" -> down(settings, database.waits(settings));
                    default -> status(connection);
                };
            } catch (MigrationException e) {
                err.println("migrate: " + e.getMessage());
                return CommandDatabase.FAILED;
            }
        });
    }

    private int up(DatabaseSettings settings, MigrationLock.Waits waits) throws SQLException {
        List<Script> applied = migrator().up(settings.migrationConnections(), waits);
        applied.forEach(script -> out.println("applied " + script.fileName()));
        out.println(applied.isEmpty() ? "Nothing to apply: the database is up to date."
                            : "Applied " + applied.size() + " script" + (applied.size() == 1 ? "." : "s."));
        return CommandDatabase.OK;
    }

    private int down(DatabaseSettings settings, MigrationLock.Waits waits) throws SQLException {
        Script undone = migrator().down(settings.migrationConnections(), waits);
        out.println("undid " + undone.fileName());
        return CommandDatabase.OK;
    }

    private int status(Connection connection) throws SQLException {
        List<MigrationPlan.ScriptStatus> rows = migrator().status(connection);
        out.printf("%-16s %-25s %-13s %s%n", "ID", "APPLIED AT", "STATE", "DESCRIPTION");
        for (MigrationPlan.ScriptStatus row : rows) {
            out.printf("%-16s %-25s %-13s %s%n", row.id().toPlainString(),
                       row.appliedAt().isEmpty() ? "-" : row.appliedAt(),
                       row.state().name().toLowerCase(Locale.ROOT).replace('_', ' '), row.description());
        }
        boolean upToDate = rows.stream().allMatch(row -> row.state() == MigrationPlan.State.APPLIED
                                                         || row.state() == MigrationPlan.State.AHEAD);
        return upToDate ? CommandDatabase.OK : CommandDatabase.NOT_UP_TO_DATE;
    }
}
