package com.deploystack.backend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import com.deploystack.backend.MigrateGenerateTest.Result;
import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** {@code migrate check}: the scripts against the declared schema, and a running database against its scripts. */
class MigrateCheckTest {

    private static String server;

    @TempDir
    Path work;
    private ScriptRepository repository;

    @BeforeAll
    static void server() {
        server = TestPostgres.get().createDatabase("check");
    }

    @BeforeEach
    void copyOfTheProject() {
        repository = ScriptRepository.copyOfProject(work.resolve("migrations"));
    }

    @Test
    void theProjectsScriptsProduceItsDeclaredSchema() {
        Result result = MigrateGenerateTest.migrate(repository, server, List.of("check"));
        assertThat(result.output(), result.exitCode(), is(0));
        assertThat(result.output(), containsString("The scripts produce the schema declared in"));
    }

    @Test
    void aDeclaredChangeWithoutAScriptFailsTheCheckNamingItAndPassesOnceGenerated() throws Exception {
        Path teams = repository.schemaFile("teams.sql");
        Files.writeString(teams, Files.readString(teams).replace("    is_default  BOOLEAN     NOT NULL DEFAULT FALSE,",
                "    is_default  BOOLEAN     NOT NULL DEFAULT FALSE,\n    archived_at TIMESTAMPTZ,"));
        Files.writeString(teams, Files.readString(teams) + "\nCREATE INDEX teams_archived_at_idx ON teams (archived_at);\n");

        Result failing = MigrateGenerateTest.migrate(repository, server, List.of("check"));
        assertThat(failing.output(), failing.exitCode(), is(1));
        assertThat(failing.output(), containsString("The scripts do not produce the schema declared in"));
        assertThat(failing.output(), containsString("column teams.archived_at added (timestamp with time zone)"));
        assertThat(failing.output(), containsString("index teams_archived_at_idx added"));
        assertThat(failing.output(), containsString("migrate generate"));

        Result generated = MigrateGenerateTest.migrate(repository, server, List.of("generate", "archive teams"));
        assertThat(generated.output(), generated.exitCode(), is(0));
        Result passing = MigrateGenerateTest.migrate(repository, server, List.of("check"));
        assertThat(passing.output(), passing.exitCode(), is(0));
    }

    @Test
    void liveReportsAColumnAddedByHandAndNotThePluginsTables() throws Exception {
        String database = TestPostgres.get().createDatabase("live");
        TestPostgres.get().migrate(database, repository.root());
        Result clean = MigrateGenerateTest.migrate(repository, database, List.of("check", "--live"));
        assertThat(clean.output(), clean.exitCode(), is(0));
        assertThat(clean.output(), containsString("The database matches the schema its applied scripts produce."));

        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE teams ADD COLUMN hotfix_flag boolean");
            statement.execute("CREATE INDEX users_email_hotfix_idx ON users (lower(email))");
            statement.execute("CREATE TABLE audit_events (id text PRIMARY KEY)");
            statement.execute("INSERT INTO plugin_tables (plugin_id, table_name, schema_hash)"
                              + " VALUES ('audit', 'audit_events', 'h')");
        }
        Result drift = MigrateGenerateTest.migrate(repository, database, List.of("check", "--live"));
        assertThat(drift.output(), drift.exitCode(), is(1));
        assertThat(drift.output(), containsString("The database differs from the schema its applied scripts produce"));
        assertThat(drift.output(), containsString("column teams.hotfix_flag added (boolean)"));
        assertThat(drift.output(), containsString("index users_email_hotfix_idx added"));
        assertThat("a plugin's table is not drift", drift.output(), not(containsString("audit_events")));
    }

    @Test
    void liveComparesOnlyTheScriptsTheDatabaseHasApplied() throws Exception {
        String database = TestPostgres.get().createDatabase("live_pending");
        TestPostgres.get().migrate(database, repository.root());
        repository.write("29990101000000_add_widgets.sql", "CREATE TABLE widgets (id text PRIMARY KEY);",
                         "DROP TABLE widgets;");
        Result result = MigrateGenerateTest.migrate(repository, database, List.of("check", "--live"));
        assertThat(result.output(), result.exitCode(), is(0));
        assertThat(result.output(), containsString("Note: 1 script is not applied to this database yet"));
    }

    @Test
    void checkTakesNoArgumentButLive() {
        Result result = MigrateGenerateTest.migrate(repository, server, List.of("check", "--everything"));
        assertThat(result.output(), result.exitCode(), is(2));
        assertThat(result.output(), containsString("migrate check takes no argument but --live"));
    }
}
