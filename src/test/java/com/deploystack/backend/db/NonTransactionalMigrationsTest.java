package com.deploystack.backend.db;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Scripts that cannot run in one transaction with the others: {@code CREATE INDEX CONCURRENTLY} under the
 * {@code -- deploystack: no transaction} directive, and {@code ALTER TYPE … ADD VALUE} followed by a script that
 * uses the value. They apply at setup as they do with {@code migrate up}; a failing concurrent index leaves no
 * invalid index behind and a retryable setup; a connection lost in the middle of setup is a 503, not the script's
 * fault.
 */
public class NonTransactionalMigrationsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    /** An enum, a value added to it, a script using that value, and a concurrent index (29990101000001…04). */
    public static void writeEnumAndConcurrentIndexScripts(ScriptRepository repository) {
        repository.write("29990101000001_create_moods.sql",
                         "CREATE TYPE mood AS ENUM ('calm');\nCREATE TABLE moods (id serial PRIMARY KEY, m mood);",
                         "DROP TABLE moods;\nDROP TYPE mood;");
        repository.write("29990101000002_add_angry.sql", "ALTER TYPE mood ADD VALUE 'angry';", "");
        repository.write("29990101000003_insert_angry.sql", "INSERT INTO moods (m) VALUES ('angry');",
                         "DELETE FROM moods WHERE m = 'angry';");
        repository.write("29990101000004_index_moods_concurrently.sql",
                         Script.OUTSIDE_TRANSACTION + "\nCREATE INDEX CONCURRENTLY moods_m_idx ON moods (m);",
                         "DROP INDEX CONCURRENTLY moods_m_idx;");
    }

    @Test
    void atSetupAnAddedEnumValueIsUsableByTheNextScriptAndAConcurrentIndexIsBuilt() throws Exception {
        ScriptRepository repository = repository();
        writeEnumAndConcurrentIndexScripts(repository);
        String database = TestPostgres.get().createDatabase("nontx_setup");
        try (TestService service = TestService.start(TestPostgres.get().environment(database), work.resolve("data"),
                                                     repository.root(), Map.of())) {
            TestService.Response setup = service.setup();
            assertThat(setup.body(), setup.status(), is(200));
        }
        assertApplied(database);
    }

    @Test
    void migrateUpAppliesTheSameScripts() throws Exception {
        ScriptRepository repository = repository();
        writeEnumAndConcurrentIndexScripts(repository);
        String database = TestPostgres.get().createDatabase("nontx_up");
        TestPostgres.get().migrate(database, repository.root());
        assertApplied(database);
    }

    @Test
    void aFailingConcurrentIndexLeavesNoInvalidIndexAndSetupCanBeRetriedOnceTheScriptIsFixed() throws Exception {
        ScriptRepository repository = repository();
        repository.write("29990101000001_create_dups.sql",
                         "CREATE TABLE dups (v int);\nINSERT INTO dups VALUES (1), (1);", "DROP TABLE dups;");
        Path unique = repository.write("29990101000002_unique_dups.sql",
                                       Script.OUTSIDE_TRANSACTION + "\nCREATE UNIQUE INDEX CONCURRENTLY dups_v_idx"
                                       + " ON dups (v);", "DROP INDEX CONCURRENTLY dups_v_idx;");
        String database = TestPostgres.get().createDatabase("nontx_fail");
        try (TestService service = TestService.start(TestPostgres.get().environment(database), work.resolve("data"),
                                                     repository.root(), Map.of())) {
            TestService.Response failed = service.setup();
            assertThat(failed.body(), failed.status(), is(500));
            assertThat(failed.body(), containsString("29990101000002_unique_dups.sql"));
            assertThat(failed.body(), containsString("was dropped"));
            assertThat(TestPostgres.get().queryCount(database, "SELECT count(*) FROM pg_indexes"
                                                               + " WHERE indexname = 'dups_v_idx'"), is(0L));
            assertThat("the scripts before it stay committed",
                       TestPostgres.get().queryCount(database, "SELECT count(*) FROM changelog"
                                                               + " WHERE id = 29990101000001"), is(1L));
            assertThat(Files.exists(work.resolve("data").resolve("db.selection.json")), is(false));

            Files.writeString(unique, Files.readString(unique).replace("UNIQUE INDEX", "INDEX"));
            TestService.Response retried = service.setup();
            assertThat(retried.body(), retried.status(), is(200));
            assertThat(TestPostgres.get().queryValue(database, "SELECT bool_and(i.indisvalid)::text FROM pg_index i"
                                                               + " JOIN pg_class c ON c.oid = i.indexrelid"
                                                               + " WHERE c.relname = 'dups_v_idx'"), is("true"));
        }
    }

    @Test
    void aFailingConcurrentIndexWithMigrateUpIsReportedAsTheScriptsFaultAndLeavesNoInvalidIndex() throws Exception {
        ScriptRepository repository = repository();
        repository.write("29990101000001_create_dups.sql",
                         "CREATE TABLE dups (v int);\nINSERT INTO dups VALUES (1), (1);", "DROP TABLE dups;");
        repository.write("29990101000002_unique_dups.sql", Script.OUTSIDE_TRANSACTION
                                                           + "\nCREATE UNIQUE INDEX CONCURRENTLY dups_v_idx ON dups (v);",
                         "DROP INDEX CONCURRENTLY dups_v_idx;");
        String database = TestPostgres.get().createDatabase("nontx_up_fail");
        MigrationException failure = assertThrows(MigrationException.class,
                                                  () -> TestPostgres.get().migrate(database, repository.root()));
        assertThat(failure.getMessage(), containsString("could not create unique index"));
        assertThat(TestPostgres.get().queryCount(database, "SELECT count(*) FROM pg_indexes"
                                                           + " WHERE indexname = 'dups_v_idx'"), is(0L));
    }

    @Test
    void aConnectionLostInTheMiddleOfSetupAnswers503AndNotFixTheScript() throws Exception {
        ScriptRepository repository = repository();
        repository.write("29990101000001_slow.sql", "SELECT pg_sleep(30);\nCREATE TABLE slow (id int);",
                         "DROP TABLE slow;");
        String database = TestPostgres.get().createDatabase("nontx_lost");
        try (TestService service = TestService.start(TestPostgres.get().environment(database), work.resolve("data"),
                                                     repository.root(), Map.of());
             ExecutorService client = Executors.newSingleThreadExecutor()) {
            Future<TestService.Response> setup = client.submit(service::setup);
            long deadline = System.nanoTime() + WAIT.toNanos();
            String terminate = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '"
                               + database + "' AND query LIKE '%pg_sleep(30)%' AND state = 'active'"
                               + " AND pid <> pg_backend_pid()";
            while (TestPostgres.get().queryCount("postgres", terminate) == 0) {
                assertThat("the slow script never ran", System.nanoTime() < deadline, is(true));
                TestService.sleep(20);
            }
            TestService.Response lost = setup.get();
            assertThat(lost.body(), lost.status(), is(503));
            assertThat(lost.body(), not(containsString("fix the script")));
            assertThat(TestPostgres.get().queryCount(database, "SELECT count(*) FROM pg_tables"
                                                               + " WHERE tablename = 'slow'"), is(0L));
        }
    }

    private ScriptRepository repository() throws Exception {
        return ScriptRepository.copyOfProject(Files.createDirectories(work.resolve("migrations")));
    }

    private static void assertApplied(String database) throws Exception {
        assertThat(TestPostgres.get().queryCount(database, "SELECT count(*) FROM changelog WHERE id >= 29990101000001"),
                   is(4L));
        assertThat(TestPostgres.get().queryValue(database, "SELECT string_agg(m::text, ',') FROM moods"), is("angry"));
        assertThat(TestPostgres.get().queryValue(database, "SELECT i.indisvalid::text FROM pg_index i"
                                                           + " JOIN pg_class c ON c.oid = i.indexrelid"
                                                           + " WHERE c.relname = 'moods_m_idx'"), is("true"));
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO moods (m) VALUES ('calm')");
        }
    }
}
