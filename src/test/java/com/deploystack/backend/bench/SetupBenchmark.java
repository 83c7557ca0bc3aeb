package com.deploystack.backend.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.deploystack.backend.db.Migrator;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;

/**
 * {@code POST /api/db/setup} on an empty database (every migration, the initialization steps, the setup
 * marker and the fsynced selection file, in one transaction under the advisory lock) against
 * {@code psql -1} applying the same scripts in one session on the same server. A fresh service (not timed)
 * per run; medians printed. See BENCHMARKS.md.
 */
public final class SetupBenchmark {

    private static final int WARMUP = 3;
    private static final int RUNS = LoadTools.setting("BENCH_RUNS", 15);

    private SetupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TestPostgres postgres = TestPostgres.get();
        List<Path> sqlFiles = MigrationBenchmark.extractChanges(new Migrator(Path.of("migrations")));
        List<Double> setups = new ArrayList<>();
        List<Double> psql = new ArrayList<>();
        for (int run = 0; run < WARMUP + RUNS; run++) {
            String database = postgres.createDatabase("bench_setup");
            double setupMillis;
            try (TestService service = TestService.start(postgres.environment(database),
                                                         Files.createTempDirectory("bench-setup"))) {
                service.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
                long start = System.nanoTime();
                int status = service.setup().status();
                setupMillis = (System.nanoTime() - start) / 1e6;
                if (status != 200) {
                    throw new IllegalStateException("setup answered " + status);
                }
            }
            String theirs = postgres.createDatabase("bench_setup_psql");
            long start = System.nanoTime();
            MigrationBenchmark.runPsql(postgres, theirs, sqlFiles);
            double psqlMillis = (System.nanoTime() - start) / 1e6;
            if (run >= WARMUP) {
                setups.add(setupMillis);
                psql.add(psqlMillis);
            }
        }
        double ours = MigrationBenchmark.median(setups);
        double theirs = MigrationBenchmark.median(psql);
        System.out.printf("Setup on an empty database: %d scripts, %d runs after %d warm-up runs, PostgreSQL at %s:%d%n",
                          sqlFiles.size(), RUNS, WARMUP, postgres.host(), postgres.port());
        System.out.printf("%-62s %10s%n", "what", "median ms");
        System.out.printf("%-62s %10.1f%n", "POST /api/db/setup (HTTP + lock + migrations + marker + file)", ours);
        System.out.printf("%-62s %10.1f%n", "psql -1 -f … (process + connect + apply)", theirs);
        System.out.printf("ratio setup / psql: %.2f (aim: at most 1.5)%n", ours / theirs);
        System.exit(0);
    }
}
