package com.deploystack.backend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

/** {@code migrate generate} and {@code migrate check} on the packaged jar, and the official MyBatis tool on its output. */
class MigrateGenerateIT {

    private static final Duration COMMAND = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void theOfficialMyBatisToolAppliesAndUndoesAGeneratedScript() throws Exception {
        ScriptRepository repository = ScriptRepository.copyOfProject(Files.createDirectories(work.resolve("migrations")));
        Path projects = repository.schemaFile("projects.sql");
        Files.writeString(projects, Files.readString(projects) + """

                CREATE TYPE project_stage AS ENUM ('draft', 'live');
                CREATE TABLE project_releases (
                    id         TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
                    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                    stage      project_stage NOT NULL DEFAULT 'draft'
                );
                """);
        String database = TestPostgres.get().createDatabase("official");
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("PATHS_MIGRATIONS", repository.root().toString());
        env.put("PATHS_DATA", work.resolve("data").toString());

        ServiceProcess.Result stale = ServiceProcess.run(env, COMMAND, "migrate", "check");
        assertThat(stale.output(), stale.exitCode(), is(1));
        assertThat(stale.output(), containsString("table project_releases added"));
        ServiceProcess.Result generated = ServiceProcess.run(env, COMMAND, "migrate", "generate", "add project releases");
        assertThat(generated.output(), generated.exitCode(), is(0));
        assertThat(generated.output(), containsString("Hazards: none."));
        ServiceProcess.Result fresh = ServiceProcess.run(env, COMMAND, "migrate", "check");
        assertThat(fresh.output(), fresh.exitCode(), is(0));

        String up = official(env, repository, "up");
        assertThat(up, containsString("add project releases"));
        String status = official(env, repository, "status");
        assertThat(status, matchesPattern("(?s).*\\d{14} \\d{4}-\\d\\d-\\d\\d [\\d:.]+ add project releases.*"));
        assertThat(status, not(containsString("...pending...")));
        assertThat(TestPostgres.get().queryValue(database, "SELECT count(*) FROM project_releases"), is("0"));
        ServiceProcess.Result live = ServiceProcess.run(env, COMMAND, "migrate", "check", "--live");
        assertThat(live.output(), live.exitCode(), is(0));

        official(env, repository, "down");
        assertThat(TestPostgres.get().queryValue(database, "SELECT count(*) FROM pg_tables"
                                                           + " WHERE tablename = 'project_releases'"), is("0"));
        assertThat(TestPostgres.get().queryValue(database, "SELECT count(*) FROM pg_type"
                                                           + " WHERE typname = 'project_stage'"), is("0"));
    }

    /** {@code org.apache.ibatis.migration.Migrator <command>} from the jar's libraries; fails unless it succeeds. */
    private static String official(Map<String, String> env, ScriptRepository repository, String command)
            throws Exception {
        String classpath = ServiceProcess.jar().toAbsolutePath().getParent().resolve("libs") + "/*";
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                "org.apache.ibatis.migration.Migrator", command, "--path=" + repository.root(), "--env=deploystack")
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS), is(true));
        assertThat(output, process.exitValue(), is(0));
        assertThat(output, containsString("MyBatis Migrations SUCCESS"));
        return output;
    }
}
