package com.deploystack.backend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.deploystack.backend.db.NonTransactionalMigrationsTest;
import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

/** The migrate command line, the official MyBatis tool, racing processes and SIGKILL, on the packaged jar. */
class MigrateCommandIT {

    private static final Duration COMMAND = Duration.ofSeconds(60);

    @TempDir
    Path work;
    private ScriptRepository repository;
    private String database;
    private Map<String, String> env;

    @BeforeEach
    void freshDatabase() throws Exception {
        repository = ScriptRepository.copyOfProject(Files.createDirectories(work.resolve("migrations")));
        database = TestPostgres.get().createDatabase("cli");
        env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("PATHS_MIGRATIONS", repository.root().toString());
        env.put("PATHS_DATA", work.resolve("data").toString());
    }

    private ServiceProcess.Result migrate(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "migrate";
        System.arraycopy(args, 0, full, 1, args.length);
        return ServiceProcess.run(env, COMMAND, full);
    }

    @Test
    void newUpStatusAndDownWorkEndToEndWithTheirExitCodes() throws Exception {
        ServiceProcess.Result pending = migrate("status");
        assertThat(pending.output(), pending.exitCode(), is(1));
        assertThat(pending.output(), containsString("pending"));

        ServiceProcess.Result created = migrate("new", "add widgets table");
        assertThat(created.output(), created.exitCode(), is(0));
        Path script = Path.of(created.output().strip());
        assertThat(script.getFileName().toString(), matchesPattern("\\d{14}_add_widgets_table\\.sql"));
        String template = Files.readString(script);
        assertThat(template, containsString("-- // add widgets table"));
        assertThat(template, containsString("-- //@UNDO"));
        Files.writeString(script, template.replace("-- //@UNDO", "CREATE TABLE widgets (id text PRIMARY KEY);\n"
                                                                  + "-- //@UNDO\nDROP TABLE widgets;"));

        ServiceProcess.Result up = migrate("up");
        assertThat(up.output(), up.exitCode(), is(0));
        assertThat(up.output(), containsString("Applied " + repository.scriptCount() + " scripts."));
        assertThat(count("SELECT count(*) FROM changelog"), is(repository.scriptCount()));
        assertThat(count("SELECT count(*) FROM widgets"), is(0L));

        ServiceProcess.Result upToDate = migrate("status");
        assertThat(upToDate.output(), upToDate.exitCode(), is(0));
        assertThat(upToDate.output(), not(containsString("pending")));
        assertThat(upToDate.output(), containsString("add widgets table"));

        ServiceProcess.Result down = migrate("down");
        assertThat(down.output(), down.exitCode(), is(0));
        assertThat(down.output(), containsString("undid " + script.getFileName()));
        assertThat(count("SELECT count(*) FROM pg_tables WHERE tablename = 'widgets'"), is(0L));
        assertThat(migrate("status").exitCode(), is(1));

        Files.writeString(repository.script("20250101000000_create_changelog.sql"), "-- // edited\nSELECT 1;\n");
        ServiceProcess.Result changed = migrate("status");
        assertThat(changed.exitCode(), is(1));
        assertThat(changed.output(), containsString("changed"));
        ServiceProcess.Result refused = migrate("up");
        assertThat(refused.exitCode(), is(5));
        assertThat(refused.output(), containsString("20250101000000_create_changelog.sql was changed"));
    }

    @Test
    void wrongArgumentsPrintTheUsageAndExitWith2() {
        for (String[] args : List.of(new String[] {}, new String[] {"sideways"}, new String[] {"new"},
                                     new String[] {"up", "extra"})) {
            ServiceProcess.Result result = migrate(args);
            assertThat(List.of(args).toString(), result.exitCode(), is(2));
            assertThat(result.output(), containsString("Usage: java -jar deploystack-db.jar migrate"));
        }
        ServiceProcess.Result service = ServiceProcess.run(env, COMMAND, "serve");
        assertThat(service.exitCode(), is(2));
    }

    @Test
    void anUnconfiguredOrUnreachableDatabaseHasItsOwnExitCode() {
        env.remove("POSTGRES_PASSWORD");
        ServiceProcess.Result unconfigured = migrate("status");
        assertThat(unconfigured.exitCode(), is(3));
        assertThat(unconfigured.output(), containsString("POSTGRES_PASSWORD"));
        env.put("POSTGRES_PASSWORD", "x");
        env.put("POSTGRES_PORT", "1");
        ServiceProcess.Result unreachable = migrate("up");
        assertThat(unreachable.exitCode(), is(4));
    }

    @Test
    void theOfficialMyBatisToolReadsTheRepositoryAndReportsTheSameAppliedScripts() throws Exception {
        NonTransactionalMigrationsTest.writeEnumAndConcurrentIndexScripts(repository);
        ServiceProcess.Result up = migrate("up");
        assertThat(up.output(), up.exitCode(), is(0));
        assertThat(up.output(), containsString("applied 29990101000004_index_moods_concurrently.sql"));
        String classpath = ServiceProcess.jar().toAbsolutePath().getParent().resolve("libs") + "/*";
        ProcessBuilder official = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                "org.apache.ibatis.migration.Migrator", "status", "--path=" + repository.root(), "--env=deploystack")
                .redirectErrorStream(true);
        official.environment().putAll(env);
        Process process = official.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS), is(true));
        assertThat(output, process.exitValue(), is(0));
        assertThat(output, containsString("MyBatis Migrations SUCCESS"));
        assertThat(output, matchesPattern("(?s).*20250101000000 \\d{4}-\\d\\d-\\d\\d [\\d:.]+ create changelog.*"));
        assertThat(output, matchesPattern("(?s).*20250101000001 \\d{4}-\\d\\d-\\d\\d [\\d:.]+ create setup marker.*"));
        assertThat(output, matchesPattern("(?s).*29990101000004 \\d{4}-\\d\\d-\\d\\d [\\d:.]+ index moods concurrently.*"));
        assertThat(output, not(containsString("...pending...")));
    }

    @Test
    void fourProcessesStartedAtOnceApplyEachScriptExactlyOnce() throws Exception {
        repository.write("29990101000000_create_counter.sql", "CREATE TABLE counter (n int);", "DROP TABLE counter;");
        repository.write("29990101000001_insert_row.sql", "INSERT INTO counter VALUES (1);", "DELETE FROM counter;");
        repository.write("29990101000002_add_column.sql", "ALTER TABLE counter ADD COLUMN note text;",
                         "ALTER TABLE counter DROP COLUMN note;");
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path log = work.resolve("up-" + i + ".log");
            logs.add(log);
            processes.add(ServiceProcess.launch(env, log, "migrate", "up"));
        }
        for (int i = 0; i < 4; i++) {
            assertThat(processes.get(i).waitFor(120, TimeUnit.SECONDS), is(true));
            assertThat(Files.readString(logs.get(i)), processes.get(i).exitValue(), is(0));
        }
        assertThat(count("SELECT count(*) FROM changelog"), is(repository.scriptCount()));
        assertThat(count("SELECT count(DISTINCT id) FROM changelog"), is(repository.scriptCount()));
        assertThat(count("SELECT count(*) FROM counter"), is(1L));
    }

    @Test
    void aServiceKilledMidScriptLeavesTheDatabaseBeforeTheScriptAndARestartCompletesIt() throws Exception {
        Path data = work.resolve("data");
        try (ServiceProcess first = ServiceProcess.start(env, data)) {
            first.awaitHttp(Duration.ofSeconds(60));
            assertThat(first.setup().statusCode(), is(200));
            first.terminate(Duration.ofSeconds(30));
        }
        repository.write("29990101000000_slow.sql", """
                CREATE TABLE half (step int);
                INSERT INTO half VALUES (1);
                SELECT pg_sleep(3);
                INSERT INTO half VALUES (2);
                """, "DROP TABLE half;");
        try (ServiceProcess doomed = ServiceProcess.start(env, data)) {
            awaitSleepingScript();
            doomed.kill();
        }
        assertThat("no changelog row for the killed script",
                   count("SELECT count(*) FROM changelog WHERE id = 29990101000000"), is(0L));
        assertThat("nothing of the killed script is visible",
                   count("SELECT count(*) FROM pg_tables WHERE tablename = 'half'"), is(0L));

        try (ServiceProcess restarted = ServiceProcess.start(env, data)) {
            restarted.awaitHttp(Duration.ofSeconds(60));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!restarted.get("/api/db/status").body().contains("\"initialized\":true")) {
                assertThat(restarted.output(), System.nanoTime() < deadline, is(true));
                Thread.sleep(100);
            }
        }
        assertThat(count("SELECT count(*) FROM half"), is(2L));
        assertThat(count("SELECT count(*) FROM changelog WHERE id = 29990101000000"), is(1L));
    }

    private void awaitSleepingScript() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database
                     + "' AND query LIKE '%pg_sleep(3)%' AND state = 'active'") == 0) {
            assertThat("the slow script never started", System.nanoTime() < deadline, is(true));
            Thread.sleep(20);
        }
    }

    private long count(String sql) throws SQLException {
        return TestPostgres.get().queryCount(database, sql);
    }
}
