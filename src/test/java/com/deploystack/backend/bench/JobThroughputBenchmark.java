package com.deploystack.backend.bench;

import java.io.IOException;
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

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;

/**
 * No-op jobs per second through the service's workers ({@code jobs.workers}, 8 by default) against a bare
 * {@code pgbench} script that runs the same claim and complete statements at the same concurrency, on the same
 * server, with the same number of jobs. See BENCHMARKS.md.
 */
public final class JobThroughputBenchmark {

    private static final int JOBS = LoadTools.setting("BENCH_JOBS", 20_000);
    private static final int WORKERS = LoadTools.setting("BENCH_WORKERS", 8);
    private static final int RUNS = LoadTools.setting("BENCH_RUNS", 3);
    private static final int SPARE = 100;

    /**
     * The statements of JobQueue.claim and JobQueue.complete (a job without batch), as pgbench runs them: prepared,
     * as pgjdbc prepares the service's (the variables are sent as parameters).
     */
    private static final String SCRIPT = """
            UPDATE queue_jobs SET status = 'processing', attempts = attempts + 1, locked_by = 'pgbench#' || :client_id, \
            locked_until = now() + 30000 * interval '1 millisecond', started_at = now(), updated_at = now() \
            WHERE id = coalesce((SELECT id FROM queue_jobs WHERE status = 'processing' AND locked_until < now() \
            AND type = ANY ('{bench.noop}'::text[]) LIMIT 1 FOR UPDATE SKIP LOCKED), (SELECT id FROM queue_jobs \
            WHERE status = 'pending' AND scheduled_for <= now() AND type = ANY ('{bench.noop}'::text[]) \
            ORDER BY scheduled_for LIMIT 1 FOR UPDATE SKIP LOCKED)) \
            RETURNING id AS job_id, locked_by AS claim, attempts AS attempt
            \\gset
            BEGIN;
            UPDATE queue_jobs SET status = 'completed', result = NULL, error = NULL, locked_by = NULL, \
            locked_until = NULL, completed_at = now(), updated_at = now() \
            WHERE id = :job_id AND status = 'processing' AND locked_by = :claim AND attempts = :attempt \
            RETURNING coalesce(batch_id, '') AS batch_id;
            COMMIT;
            """;

    private JobThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TestPostgres postgres = TestPostgres.get();
        List<Double> service = new ArrayList<>();
        List<Double> pgbench = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            service.add(serviceJobsPerSecond(postgres));
            pgbench.add(pgbenchJobsPerSecond(postgres));
        }
        double serviceMedian = median(service);
        double pgbenchMedian = median(pgbench);
        System.out.printf("PostgreSQL at %s:%d, %d no-op jobs, %d workers / pgbench clients, median of %d runs%n",
                          postgres.host(), postgres.port(), JOBS, WORKERS, RUNS);
        System.out.printf("%-52s %12s   %s%n", "what", "jobs/s", "runs");
        System.out.printf("%-52s %12.0f   %s%n", "service workers (claim, lease, no-op handler, complete)",
                          serviceMedian, service);
        System.out.printf("%-52s %12.0f   %s%n", "pgbench: the same claim + complete statements", pgbenchMedian,
                          pgbench);
        System.out.printf("ratio service / pgbench: %.2f%n", serviceMedian / pgbenchMedian);
        System.exit(0);
    }

    /** From the commit of the jobs (the notification wakes the workers) until the last one completed. */
    private static double serviceJobsPerSecond(TestPostgres postgres) throws Exception {
        String database = postgres.createDatabase("bench_jobs");
        Path data = Files.createTempDirectory("bench-data");
        try (TestService service = TestService.start(postgres.environment(database), data, Path.of("migrations"),
                Map.of("jobs.workers", Integer.toString(WORKERS), "db.pool.size", Integer.toString(WORKERS + 4),
                       "jobs.housekeeping.interval", "0", "tokens.sweep.interval", "0"))) {
            service.application().jobs().types().register("bench.noop", job -> null);
            if (service.setup().status() != 200) {
                throw new IllegalStateException("setup failed");
            }
            long start = System.nanoTime();
            execute(postgres, database, "INSERT INTO queue_jobs (type) SELECT 'bench.noop' FROM generate_series(1, "
                                        + JOBS + "); NOTIFY deploystack_jobs");
            while (postgres.queryCount(database, "SELECT count(*) FROM queue_jobs WHERE type = 'bench.noop'"
                                                 + " AND status = 'completed'") < JOBS) {
                TestService.sleep(20);
            }
            return JOBS / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double pgbenchJobsPerSecond(TestPostgres postgres) throws Exception {
        String database = postgres.createDatabase("bench_jobs_pgbench");
        postgres.migrate(database, Path.of("migrations"));
        // a few more jobs than the clients claim: a claim that finds none would end its client
        execute(postgres, database, "INSERT INTO queue_jobs (type) SELECT 'bench.noop' FROM generate_series(1, "
                                    + (JOBS + SPARE) + ")");
        Path script = Files.createTempFile("claim-complete", ".sql");
        Files.writeString(script, SCRIPT);
        List<String> command = List.of("pgbench", "-n", "-h", postgres.host(), "-p", Integer.toString(postgres.port()),
                                       "-U", "postgres", "-M", "prepared", "-c", Integer.toString(WORKERS), "-j", "2",
                                       "-t", Integer.toString(JOBS / WORKERS), "-f", script.toString(), database);
        String output = run(command);
        Files.delete(script);
        long left = postgres.queryCount(database, "SELECT count(*) FROM queue_jobs WHERE status <> 'completed'");
        if (left != SPARE + JOBS % WORKERS) {
            throw new IllegalStateException("pgbench left " + left + " jobs:\n" + output);
        }
        Matcher tps = Pattern.compile("tps = ([\\d.]+)").matcher(output);
        if (!tps.find()) {
            throw new IllegalStateException("no tps in:\n" + output);
        }
        return Double.parseDouble(tps.group(1));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", TestPostgres.PASSWORD);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("pgbench failed:\n" + output);
        }
        return output;
    }

    private static void execute(TestPostgres postgres, String database, String sql) throws SQLException {
        try (Connection connection = postgres.connect(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
