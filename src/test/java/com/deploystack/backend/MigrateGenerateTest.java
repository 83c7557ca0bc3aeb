package com.deploystack.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.Migrator;
import com.deploystack.backend.db.Script;
import com.deploystack.backend.db.schema.CatalogReader;
import com.deploystack.backend.db.schema.DeclaredSchema;
import com.deploystack.backend.db.schema.SchemaSnapshot;
import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.TestPostgres;
import io.helidon.config.Config;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * {@code migrate generate} round trips over a table of schema edits: the script it writes applies with
 * {@code migrate up}, the result is the declared schema, its undo restores the previous schema exactly, and it
 * reports the hazards each edit has (none for the safe ones).
 */
class MigrateGenerateTest {

    /** The first words of each hazard line, e.g. {@code [caution] create index teams_name_idx}. */
    private static final Pattern HAZARD = Pattern.compile("^  (\\[(?:caution|destructive)][^:]*):", Pattern.MULTILINE);
    private static final Pattern WROTE = Pattern.compile("^Wrote (.+\\.sql)\\. ", Pattern.MULTILINE);

    private static String server;

    @TempDir
    Path work;

    /** One edit of the declared schema; {@code preparation} is generated and applied before it. */
    record Edit(String name, List<String> generateArguments, List<String> expectedHazards, boolean destructive,
                SchemaEdit preparation, SchemaEdit edit) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface SchemaEdit {
        void apply(ScriptRepository repository) throws IOException;

        SchemaEdit NONE = repository -> { };
    }

    @BeforeAll
    static void server() {
        server = TestPostgres.get().createDatabase("generate");
    }

    static Stream<Edit> edits() {
        return Stream.of(
                new Edit("new table with foreign keys", List.of(), List.of(), false, SchemaEdit.NONE,
                         append("projects.sql", """
                                 CREATE TABLE project_notes (
                                     id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                     project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                                     author_id  TEXT REFERENCES users (id) ON DELETE SET NULL,
                                     body       TEXT NOT NULL,
                                     created_at TIMESTAMPTZ NOT NULL DEFAULT now()
                                 );
                                 CREATE INDEX project_notes_project_id_idx ON project_notes (project_id);
                                 COMMENT ON TABLE project_notes IS 'Notes people keep on a project';
                                 """)),
                new Edit("new column with a default", List.of(), List.of(), false, SchemaEdit.NONE,
                         replace("projects.sql", "    name       TEXT        NOT NULL,",
                                 "    name       TEXT        NOT NULL,\n    archived   BOOLEAN     NOT NULL DEFAULT FALSE,")),
                new Edit("dropped column", List.of(), List.of("[destructive] drop column users.last_name"), true,
                         SchemaEdit.NONE, replace("roles-and-users.sql", "    last_name      TEXT,\n", "")),
                new Edit("widened type", List.of(),
                         List.of("[caution] change type of global_setting_groups.sort_order from integer to bigint"),
                         false, SchemaEdit.NONE,
                         replace("global-settings.sql", "sort_order  INTEGER", "sort_order  BIGINT ")),
                new Edit("narrowed type", List.of(),
                         List.of("[destructive] change type of mcp_servers.language from text to character varying(100)"),
                         true, SchemaEdit.NONE,
                         replace("mcp.sql", "    language       TEXT,", "    language       VARCHAR(100),")),
                new Edit("new enum value", List.of(),
                         List.of("[caution] convert queue_jobs.priority to the re-created enum type job_priority"),
                         false,
                         append("job-queue.sql", """
                                 CREATE TYPE job_priority AS ENUM ('low', 'high');
                                 ALTER TABLE queue_jobs ADD COLUMN priority job_priority NOT NULL DEFAULT 'low';
                                 """),
                         replace("job-queue.sql", "('low', 'high')", "('low', 'normal', 'high')")),
                new Edit("new index", List.of(), List.of("[caution] create index teams_name_idx on existing table teams"),
                         false, SchemaEdit.NONE, append("teams.sql", "CREATE INDEX teams_name_idx ON teams (name);")),
                new Edit("new check", List.of(),
                         List.of("[caution] add check constraint teams_description_length to existing table teams"
                                 + " without NOT VALID"), false, SchemaEdit.NONE,
                         append("teams.sql", "ALTER TABLE teams ADD CONSTRAINT teams_description_length"
                                             + " CHECK (length(description) <= 2000);")),
                new Edit("renamed column with --rename", List.of("--rename", "users.first_name=given_name"),
                         List.of("[caution] rename column users.first_name to given_name"), false, SchemaEdit.NONE,
                         replace("roles-and-users.sql", "    first_name     TEXT,", "    given_name     TEXT,")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edits")
    void theGeneratedScriptAppliesReachesTheDeclaredSchemaAndItsUndoRestoresThePreviousOne(Edit edit)
            throws Exception {
        ScriptRepository repository = ScriptRepository.copyOfProject(work.resolve("migrations"));
        String database = TestPostgres.get().createDatabase("roundtrip");
        Migrator migrator = new Migrator(repository.root());
        edit.preparation().apply(repository);
        if (edit.preparation() != SchemaEdit.NONE) {
            Result prepared = migrate(repository, List.of("generate", "prepare"));
            assertThat(prepared.output(), prepared.exitCode(), is(0));
        }
        SchemaSnapshot previous;
        DatabaseSettings settings = TestPostgres.get().settings(database);
        try (Connection connection = TestPostgres.get().connect(database)) {
            migrator.up(settings.migrationConnections(), TestPostgres.waits(settings));
            seed(connection);
            previous = CatalogReader.read(connection);
        }
        long scripts = repository.scriptCount();

        edit.edit().apply(repository);
        if (edit.destructive()) {
            Result refused = generate(repository, edit.generateArguments());
            assertThat(refused.output(), refused.exitCode(), is(1));
            assertThat(refused.output(), containsString("Nothing written: 1 destructive change"));
            assertThat("nothing written", repository.scriptCount(), is(scripts));
        }
        List<String> arguments = new ArrayList<>(edit.generateArguments());
        if (edit.destructive()) {
            arguments.add("--allow-destructive");
        }
        Result generated = generate(repository, arguments);
        assertThat(generated.output(), generated.exitCode(), is(0));
        assertThat(generated.output(), hazards(generated.output()), is(edit.expectedHazards()));
        if (edit.expectedHazards().isEmpty()) {
            assertThat(generated.output(), containsString("Hazards: none."));
        }
        Path script = written(generated.output());
        String text = Files.readString(script);
        assertThat(text, containsString("-- //@UNDO"));
        assertThat(text, containsString("SET LOCAL lock_timeout = '5s';"));

        try (Connection connection = TestPostgres.get().connect(database)) {
            assertThat(migrator.up(settings.migrationConnections(), TestPostgres.waits(settings)).stream().map(Script::fileName).toList(),
                       contains(script.getFileName().toString()));
            assertThat(CatalogReader.read(connection), is(declared(repository)));
            if (edit.name().startsWith("renamed")) {
                assertThat("the renamed column keeps its data", TestPostgres.get().queryValue(
                        database, "SELECT given_name FROM users WHERE id = 'u1'"), is("Ada"));
            }
            assertThat(migrator.down(settings.migrationConnections(), TestPostgres.waits(settings)).fileName(), is(script.getFileName().toString()));
            assertThat(CatalogReader.read(connection), is(previous));
        }
    }

    @Test
    void withoutADeclaredChangeGenerateSaysSoAndWritesNothing() throws Exception {
        ScriptRepository repository = ScriptRepository.copyOfProject(work.resolve("migrations"));
        long scripts = repository.scriptCount();
        Result result = generate(repository, List.of());
        assertThat(result.output(), result.exitCode(), is(0));
        assertThat(result.output(), containsString("No difference: the scripts already produce the schema declared in"));
        assertThat(repository.scriptCount(), is(scripts));
    }

    @Test
    void aDropAndAddOfTheSameTypeIsReportedAsAPossibleRenameAndNothingIsWritten() throws Exception {
        ScriptRepository repository = ScriptRepository.copyOfProject(work.resolve("migrations"));
        long scripts = repository.scriptCount();
        replace("roles-and-users.sql", "    first_name     TEXT,", "    given_name     TEXT,").apply(repository);
        Result result = generate(repository, List.of());
        assertThat(result.output(), result.exitCode(), is(1));
        assertThat(result.output(), containsString("column users.first_name dropped and given_name added, both text:"
                                                   + " if it is a rename, run again with --rename"
                                                   + " users.first_name=given_name"));
        assertThat(repository.scriptCount(), is(scripts));
    }

    @Test
    void badArgumentsAndRenamesThatDoNotFitAreRefusedNamingTheProblem() throws Exception {
        ScriptRepository repository = ScriptRepository.copyOfProject(work.resolve("migrations"));
        long scripts = repository.scriptCount();
        for (List<String> arguments : List.of(List.of("--rename", "users.first_name"), List.of("--sideways"),
                                              List.of("--rename", "a.b.c=d"))) {
            Result result = generate(repository, arguments);
            assertThat(arguments + ": " + result.output(), result.exitCode(), is(2));
        }
        Result noSuchColumn = generate(repository, List.of("--rename", "users.nickname=alias"));
        assertThat(noSuchColumn.output(), noSuchColumn.exitCode(), is(2));
        assertThat(noSuchColumn.output(), containsString("--rename users.nickname=alias does not fit"));
        assertThat(noSuchColumn.output(), containsString("nickname"));
        Result notDeclared = generate(repository, List.of("--rename", "users.first_name=given_name"));
        assertThat(notDeclared.output(), notDeclared.exitCode(), is(2));
        assertThat(notDeclared.output(), containsString("migrations/schema/ declares no column users.given_name"));
        assertThat(repository.scriptCount(), is(scripts));
    }

    @Test
    void aDeclaredSchemaFileThatFailsIsNamedWithPostgresqlsMessage() throws Exception {
        ScriptRepository repository = ScriptRepository.copyOfProject(work.resolve("migrations"));
        append("teams.sql", "CREATE INDEX broken_idx ON teams (no_such_column);").apply(repository);
        Result result = generate(repository, List.of());
        assertThat(result.output(), result.exitCode(), is(5));
        assertThat(result.output(), containsString("Declared schema file " + repository.schemaFile("teams.sql")
                                                   + " failed: ERROR: column \"no_such_column\" does not exist"));
        assertThat(result.output(), not(containsString(TestPostgres.PASSWORD)));
    }

    private static void seed(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO roles (id, name) VALUES ('r1', 'global_user')");
            statement.execute("INSERT INTO users (id, username, email, role_id, first_name, last_name)"
                              + " VALUES ('u1', 'ada', 'ada@example.com', 'r1', 'Ada', 'Lovelace')");
            statement.execute("INSERT INTO teams (id, name, slug) VALUES ('t1', 'Core', 'core')");
            statement.execute("INSERT INTO projects (id, name) VALUES ('p1', 'Site')");
        }
    }

    private static SchemaSnapshot declared(ScriptRepository repository) throws SQLException {
        String database = TestPostgres.get().createDatabase("declared");
        try (Connection connection = TestPostgres.get().connect(database)) {
            DeclaredSchema.apply(connection, DeclaredSchema.directory(repository.root()));
            return CatalogReader.read(connection);
        }
    }

    private static List<String> hazards(String output) {
        List<String> hazards = new ArrayList<>();
        Matcher matcher = HAZARD.matcher(output);
        while (matcher.find()) {
            hazards.add(matcher.group(1));
        }
        return hazards;
    }

    private static Path written(String output) {
        Matcher matcher = WROTE.matcher(output);
        assertThat(output, matcher.find(), is(true));
        return Path.of(matcher.group(1));
    }

    record Result(int exitCode, String output) {
    }

    /** {@code migrate generate "<edit>" arguments…} in-process, on the test server (scratch databases there too). */
    static Result generate(ScriptRepository repository, List<String> arguments) {
        List<String> args = new ArrayList<>(List.of("generate", "schema edit"));
        args.addAll(arguments);
        return migrate(repository, args);
    }

    private static Result migrate(ScriptRepository repository, List<String> args) {
        return migrate(repository, server, args);
    }

    /** {@code migrate args…} in-process with the {@code POSTGRES_*} variables of {@code database}. */
    static Result migrate(ScriptRepository repository, String database, List<String> args) {
        Config config = ServiceConfig.of(Map.of("paths.migrations", repository.root().toString()));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
        int exit = new MigrateCommand(config, TestPostgres.get().environment(database), print, print).run(args);
        return new Result(exit, output.toString(StandardCharsets.UTF_8));
    }

    private static SchemaEdit append(String file, String ddl) {
        return repository -> Files.writeString(repository.schemaFile(file),
                                               Files.readString(repository.schemaFile(file)) + "\n" + ddl + "\n");
    }

    private static SchemaEdit replace(String file, String text, String replacement) {
        return repository -> {
            String content = Files.readString(repository.schemaFile(file));
            assertThat(file + " contains " + text, content.contains(text), is(true));
            Files.writeString(repository.schemaFile(file), content.replace(text, replacement));
        };
    }
}
