package com.deploystack.backend.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/** Checksums, ordering, failures and $$ bodies, as the service meets them at start. */
class MigrationGuaranteesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;
    @TempDir
    Path repositoryDirectory;
    private ScriptRepository repository;
    private String database;
    private Map<String, String> env;
    private TestService service;

    @BeforeEach
    void setUpDatabase() {
        repository = ScriptRepository.copyOfProject(repositoryDirectory);
        database = TestPostgres.get().createDatabase("guarantees");
        env = TestPostgres.get().environment(database);
        service = start();
        assertThat(service.setup().status(), is(200));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private TestService start() {
        return TestService.start(env, data, repository.root(), Map.of());
    }

    private JsonObject restart(String phase) {
        service.close();
        service = start();
        return service.awaitPhase(phase, WAIT);
    }

    @Test
    void scriptsWithDollarQuotedFunctionBodiesApply() throws Exception {
        repository.write("29990101000000_add_function.sql", """
                CREATE FUNCTION add_one(n integer) RETURNS integer AS $$
                BEGIN
                    RETURN n + 1; -- a semicolon inside the body
                END;
                $$ LANGUAGE plpgsql;
                CREATE FUNCTION twice(n integer) RETURNS integer AS $body$ SELECT n * 2; $body$ LANGUAGE sql;
                """, "DROP FUNCTION twice(integer); DROP FUNCTION add_one(integer);");
        restart("INITIALIZED");
        assertThat(query("SELECT add_one(41) + twice(0)"), is("42"));
    }

    @Test
    void anEditedAppliedScriptStopsStartAtFailedNamingItAndRestoringItRecovers() throws Exception {
        Path script = repository.script("20250101000001_create_setup_marker.sql");
        String original = Files.readString(script);
        Files.writeString(script, original + "\n-- an innocent-looking edit\n");
        JsonObject status = restart("FAILED");
        assertThat(status.getString("error"), containsString("20250101000001_create_setup_marker.sql"));
        assertThat(status.getString("error"), containsString("changed after it was applied"));
        assertThat(service.get("/observe/health/live").status(), is(200));
        assertThat(service.get("/observe/health/ready").status(), is(503));

        Files.writeString(script, original);
        restart("INITIALIZED");
    }

    @Test
    void anAppliedScriptMissingFromTheRepositoryStopsStartAtFailed() throws Exception {
        repository.write("29990101000000_extra.sql", "CREATE TABLE extra (id int);", "DROP TABLE extra;");
        repository.write("29990101000001_later.sql", "CREATE TABLE later (id int);", "DROP TABLE later;");
        restart("INITIALIZED");
        Files.delete(repository.script("29990101000000_extra.sql"));
        JsonObject status = restart("FAILED");
        assertThat(status.getString("error"), containsString("29990101000000 (extra) is missing"));
    }

    @Test
    void migrationsNewerThanEveryScriptHereAreARollingUpgradeThisReleaseRunsOnAndReports() throws Exception {
        repository.write("29990101000000_newer_release.sql", "CREATE TABLE newer_release (id int);",
                         "DROP TABLE newer_release;");
        restart("INITIALIZED");
        Files.delete(repository.script("29990101000000_newer_release.sql"));

        JsonObject status = restart("INITIALIZED");

        JsonObject ahead = status.getJsonObject("schema_ahead");
        assertThat(ahead.getString("newest_applied"), is("29990101000000"));
        assertThat(ahead.getString("newest_known"), is(newestShippedScript()));
        assertThat(service.get("/observe/health/ready").status(), is(200));
    }

    /** The id of the newest script of the repository's migrations/scripts (the release's own). */
    private static String newestShippedScript() throws Exception {
        try (Stream<Path> scripts = Files.list(Path.of("migrations", "scripts"))) {
            return scripts.map(script -> script.getFileName().toString())
                    .filter(name -> name.matches("\\d{14}_.*\\.sql"))
                    .map(name -> name.substring(0, 14))
                    .max(Comparator.naturalOrder())
                    .orElseThrow();
        }
    }

    @Test
    void aPendingScriptOlderThanTheLastAppliedIsReportedAndNotApplied() throws Exception {
        repository.write("29990101000000_newer.sql", "CREATE TABLE newer (id int);", "DROP TABLE newer;");
        restart("INITIALIZED");
        repository.write("29980101000000_older.sql", "CREATE TABLE older (id int);", "DROP TABLE older;");
        JsonObject status = restart("FAILED");
        assertThat(status.getString("error"), containsString("29980101000000_older.sql is older than the last applied"));
        assertThat(query("SELECT to_regclass('older') IS NULL"), is("t"));
    }

    @Test
    void aFailingScriptAtStartRollsBackCompletelyAndAFixedScriptContinues() throws Exception {
        repository.write("29990101000000_first.sql", "CREATE TABLE first_ok (id int);", "DROP TABLE first_ok;");
        repository.write("29990101000001_broken.sql", "CREATE TABLE half_done (id int);\nINSERT INTO nowhere VALUES (1);",
                         "DROP TABLE half_done;");
        JsonObject status = restart("FAILED");
        assertThat(status.getString("error"), containsString("29990101000001_broken.sql failed (SQLSTATE 42P01"));
        assertThat("the unauthenticated status keeps PostgreSQL's text for the log",
                   status.getString("error").contains("nowhere"), is(false));
        assertThat(TestService.logs().stream().anyMatch(line -> line.contains("29990101000001_broken.sql failed")
                                                                 && line.contains("relation \"nowhere\" does not exist")),
                   is(true));
        assertThat(status.getString("error").contains(TestPostgres.PASSWORD), is(false));
        assertThat("the script before the broken one stays applied", query("SELECT to_regclass('first_ok') IS NOT NULL"),
                   is("t"));
        assertThat("nothing of the broken script remains", query("SELECT to_regclass('half_done') IS NULL"), is("t"));
        assertThat(query("SELECT count(*) FROM changelog WHERE id = 29990101000001"), is("0"));

        repository.write("29990101000001_broken.sql", "CREATE TABLE half_done (id int);", "DROP TABLE half_done;");
        restart("INITIALIZED");
        assertThat(query("SELECT count(*) FROM changelog"), is(Long.toString(repository.scriptCount())));
    }

    @Test
    void everyAppliedScriptHasItsSha256Recorded() throws Exception {
        Migrator migrator = new Migrator(repository.root());
        try (Connection connection = TestPostgres.get().connect(database)) {
            for (Script script : migrator.scripts()) {
                assertThat(query("SELECT checksum FROM changelog WHERE id = " + script.id()), is(script.checksum()));
            }
            List<MigrationPlan.ScriptStatus> rows = migrator.status(connection);
            assertThat(rows.stream().allMatch(row -> row.state() == MigrationPlan.State.APPLIED), is(true));
        }
    }

    private String query(String sql) throws SQLException {
        return TestPostgres.get().queryValue(database, sql);
    }
}
