package com.deploystack.backend.bench;

import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import com.deploystack.backend.db.Migrator;
import com.deploystack.backend.db.Script;
import com.deploystack.backend.support.TestPostgres;
import org.apache.ibatis.migration.Change;
import org.apache.ibatis.migration.FileMigrationLoader;

/**
 * Applies the whole migration set to empty databases, with the service's migrator and with psql running
 * the same SQL (the "do" part of every script) in one session on the same server, and prints both medians
 * and their ratio. Run: see BENCHMARKS.md.
 */
public final class MigrationBenchmark {

    private static final int WARMUP = 5;
    private static final int RUNS = 25;

    private MigrationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TestPostgres postgres = TestPostgres.get();
        Path repository = Path.of("migrations");
        Migrator migrator = new Migrator(repository);
        List<Path> sqlFiles = extractChanges(migrator);
        List<Double> ours = new ArrayList<>();
        List<Double> psql = new ArrayList<>();
        for (int run = 0; run < WARMUP + RUNS; run++) {
            String mine = postgres.createDatabase("bench_migrator");
            String theirs = postgres.createDatabase("bench_psql");
            long start = System.nanoTime();
            postgres.migrate(mine, repository);
            double migratorMillis = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            runPsql(postgres, theirs, sqlFiles);
            double psqlMillis = (System.nanoTime() - start) / 1e6;
            if (run >= WARMUP) {
                ours.add(migratorMillis);
                psql.add(psqlMillis);
            }
        }
        double oursMedian = median(ours);
        double psqlMedian = median(psql);
        System.out.printf("Migration set: %d scripts, %d runs after %d warm-up runs, PostgreSQL at %s:%d%n",
                          sqlFiles.size(), RUNS, WARMUP, postgres.host(), postgres.port());
        System.out.printf("%-44s %10s%n", "what", "median ms");
        System.out.printf("%-44s %10.1f%n", "migrator (connect + lock + checksums + apply)", oursMedian);
        System.out.printf("%-44s %10.1f%n", "psql -1 -f … (process + connect + apply)", psqlMedian);
        System.out.printf("ratio migrator / psql: %.2f (aim: at most 1.5)%n", oursMedian / psqlMedian);
        System.exit(0);
    }

    /** The SQL psql runs: the part of each script above "-- //@UNDO", as MyBatis reads it. */
    static List<Path> extractChanges(Migrator migrator) throws Exception {
        FileMigrationLoader loader = new FileMigrationLoader(migrator.scriptsDirectory().toFile(), "UTF-8",
                                                             new Properties());
        Path directory = Files.createTempDirectory("bench-sql");
        List<Path> files = new ArrayList<>();
        for (Script script : migrator.scripts()) {
            Change change = new Change(script.id(), null, script.description());
            change.setFilename(script.fileName());
            StringWriter sql = new StringWriter();
            try (Reader reader = loader.getScriptReader(change, false)) {
                reader.transferTo(sql);
            }
            files.add(Files.writeString(directory.resolve(script.fileName()), sql.toString()));
        }
        return files;
    }

    static void runPsql(TestPostgres postgres, String database, List<Path> files) throws Exception {
        List<String> command = new ArrayList<>(List.of("psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1",
                                                       "-h", postgres.host(), "-p", Integer.toString(postgres.port()),
                                                       "-U", "postgres", "-d", database));
        for (Path file : files) {
            command.add("-f");
            command.add(file.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", TestPostgres.PASSWORD);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + output);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
