package com.deploystack.backend.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;

/**
 * {@code GET /api/teams/{id}} under wrk (2 threads, 50 connections) against {@code pgbench -S} at the same
 * concurrency on the same server: the service's cost over a bare primary-key read. {@code GET /api/health}
 * (no database) is measured in the same run as the HTTP ceiling of this machine. The pool size is the
 * service's default unless {@code BENCH_POOL=N}. See BENCHMARKS.md.
 */
public final class TeamReadBenchmark {

    private static final int SECONDS = LoadTools.setting("BENCH_SECONDS", 10);

    private TeamReadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("bench_teams")));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", "bench-token");
        Map<String, String> config = new HashMap<>();
        String pool = System.getenv("BENCH_POOL");
        if (pool != null) {
            config.put("db.pool.size", pool);
        }
        try (TestService service = TestService.start(env, Files.createTempDirectory("bench-data"), Path.of("migrations"),
                                                     config)) {
            if (service.setup().status() != 200) {
                throw new IllegalStateException("setup failed");
            }
            String id = service.request("POST", "/api/teams", "{\"name\":\"Bench\"}", "Authorization", "Bearer bench-token")
                    .json().getJsonObject("data").getString("id");
            String base = "http://127.0.0.1:" + service.application().port();
            String url = base + "/api/teams/" + id;
            LoadTools.wrk(url, 2, 50, 3, "Authorization: Bearer bench-token");
            LoadTools.Figures teams = LoadTools.wrk(url, 2, 50, SECONDS, "Authorization: Bearer bench-token");
            LoadTools.Figures health = LoadTools.wrk(base + "/api/health", 2, 50, SECONDS);
            LoadTools.Figures pgbench = LoadTools.pgbenchSelectOnly(postgres, 50, 2, SECONDS);
            System.out.printf("PostgreSQL at %s:%d, %d s each, 2 threads, 50 connections, pool size %s%n", postgres.host(),
                              postgres.port(), SECONDS, pool == null ? "default (10)" : pool);
            System.out.printf("%-36s %12s %10s%n", "what", "per second", "p99 ms");
            System.out.printf("%-36s %12.0f %10.2f%n", "GET /api/teams/{id} (wrk)", teams.perSecond(), teams.p99Millis());
            System.out.printf("%-36s %12.0f %10.2f%n", "GET /api/health, no database (wrk)", health.perSecond(),
                              health.p99Millis());
            System.out.printf("%-36s %12.0f %10s%n", "pgbench -S (tps)", pgbench.perSecond(), "-");
            System.out.printf("ratio GET /api/teams/{id} / pgbench -S: %.2f; / GET /api/health: %.2f%n",
                              teams.perSecond() / pgbench.perSecond(), teams.perSecond() / health.perSecond());
        }
        System.exit(0);
    }
}
