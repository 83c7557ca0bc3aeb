package com.deploystack.backend.bench;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;

/**
 * {@code GET /api/teams/{id}} under wrk (2 threads, 50 connections) against {@code pgbench -S} at the same
 * concurrency on the same server: the service's cost over a bare primary-key read. See BENCHMARKS.md.
 */
public final class TeamReadBenchmark {

    private static final int SECONDS = 10;

    private TeamReadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("bench_teams")));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", "bench-token");
        try (TestService service = TestService.start(env, Files.createTempDirectory("bench-data"))) {
            if (service.setup().status() != 200) {
                throw new IllegalStateException("setup failed");
            }
            String id = service.request("POST", "/api/teams", "{\"name\":\"Bench\"}", "Authorization", "Bearer bench-token")
                    .json().getJsonObject("data").getString("id");
            String url = "http://127.0.0.1:" + service.application().port() + "/api/teams/" + id;
            LoadTools.wrk(url, 2, 50, 3, "Authorization: Bearer bench-token");
            LoadTools.Figures teams = LoadTools.wrk(url, 2, 50, SECONDS, "Authorization: Bearer bench-token");
            LoadTools.Figures pgbench = LoadTools.pgbenchSelectOnly(postgres, 50, 2, SECONDS);
            System.out.printf("PostgreSQL at %s:%d, %d s each, 2 threads, 50 connections%n", postgres.host(),
                              postgres.port(), SECONDS);
            System.out.printf("%-36s %12s %10s%n", "what", "per second", "p99 ms");
            System.out.printf("%-36s %12.0f %10.2f%n", "GET /api/teams/{id} (wrk)", teams.perSecond(), teams.p99Millis());
            System.out.printf("%-36s %12.0f %10s%n", "pgbench -S (tps)", pgbench.perSecond(), "-");
            System.out.printf("ratio GET /api/teams/{id} / pgbench -S: %.2f%n", teams.perSecond() / pgbench.perSecond());
        }
        System.exit(0);
    }
}
