package com.deploystack.backend.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.deploystack.backend.db.ReadReplicaSettings;
import com.deploystack.backend.support.StreamingReplica;
import com.deploystack.backend.support.TestService;

/**
 * The read side on a primary with one streaming replica (Debian's PostgreSQL 15, {@link StreamingReplica}):
 * {@code GET /api/mcp/servers?q=} over 10,000 servers under wrk against {@code pgbench} running the same query (a
 * custom script) on the replica, and {@code GET /api/teams/{id}} served with the replica against the same reads by
 * a service on the primary alone. wrk and pgbench: 2 threads, 50 connections; the pools' size is the service's
 * default unless {@code BENCH_POOL=N}. See BENCHMARKS.md.
 */
public final class ReadReplicaBenchmark {

    private static final int SECONDS = LoadTools.setting("BENCH_SECONDS", 10);
    private static final int SERVERS = LoadTools.setting("BENCH_SERVERS", 10_000);
    private static final String AUTH = "Authorization: Bearer bench-token";
    private static final String WORDS = "database tables";
    /** The query McpServerService.search sends, with the words as a literal. */
    private static final String MARKS = "'StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=10, MaxFragments=2'";
    private static final String QUERY = "SELECT id, name, slug, description, to_json(tags)::text AS tags, transport_type,"
            + " created_at, ts_rank_cd(search_vector, query)::text AS rank,"
            + " ts_headline('english', " + escaped("name") + ", query, " + MARKS + ") AS name_highlight,"
            + " ts_headline('english', " + escaped("coalesce(description, '')") + ", query, " + MARKS
            + ") AS description_highlight"
            + " FROM mcp_servers, websearch_to_tsquery('english', '" + WORDS + "') AS query"
            + " WHERE search_vector @@ query ORDER BY ts_rank_cd(search_vector, query) DESC, name, id LIMIT 20;";

    private static String escaped(String column) {
        return "replace(replace(replace(" + column + ", '&', '&amp;'), '<', '&lt;'), '>', '&gt;')";
    }

    private ReadReplicaBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (StreamingReplica servers = StreamingReplica.start()) {
            Map<String, String> env = new HashMap<>(servers.environment());
            env.put("DEPLOYSTACK_ADMIN_TOKEN", "bench-token");
            env.put("DEPLOYSTACK_ENCRYPTION_SECRET", "bench-encryption-secret-0123456789");
            Map<String, String> config = new HashMap<>();
            String pool = System.getenv("BENCH_POOL");
            if (pool != null) {
                config.put("db.pool.size", pool);
            }
            Map<String, String> primaryOnly = new HashMap<>(env);
            ReadReplicaSettings.VARIABLES.forEach(primaryOnly::remove);
            try (TestService withReplica = TestService.start(env, Files.createTempDirectory("bench-replica"),
                                                             Path.of("migrations"), config)) {
                if (withReplica.setup().status() != 200) {
                    throw new IllegalStateException("setup failed");
                }
                fill(servers);
                String team = withReplica.request("POST", "/api/teams", "{\"name\":\"Bench\"}", "Authorization",
                                                  "Bearer bench-token").json().getJsonObject("data").getString("id");
                TestService.sleep(3000);
                try (TestService primaryAlone = TestService.start(primaryOnly, Files.createTempDirectory("bench-primary"),
                                                                  Path.of("migrations"), config)) {
                    primaryAlone.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
                    String search = base(withReplica) + "/api/mcp/servers?q=" + WORDS.replace(" ", "+") + "&limit=20";
                    LoadTools.wrk(search, 2, 50, 3, AUTH);
                    LoadTools.Figures searched = LoadTools.wrk(search, 2, 50, SECONDS, AUTH);
                    Path script = Files.writeString(Files.createTempFile("search", ".sql"), QUERY);
                    LoadTools.Figures pgbench = LoadTools.pgbenchScript("127.0.0.1", servers.replicaPort(),
                                                                        "deploystack", script, 50, 2, SECONDS);
                    LoadTools.wrk(base(primaryAlone) + "/api/teams/" + team, 2, 50, 3, AUTH);
                    LoadTools.Figures onPrimary = LoadTools.wrk(base(primaryAlone) + "/api/teams/" + team, 2, 50,
                                                                SECONDS, AUTH);
                    LoadTools.Figures onReplica = LoadTools.wrk(base(withReplica) + "/api/teams/" + team, 2, 50,
                                                                SECONDS, AUTH);
                    System.out.printf("%d MCP servers, q=\"%s\", %d s each, 2 threads, 50 connections%n", SERVERS,
                                      WORDS, SECONDS);
                    System.out.printf("%-52s %12s %10s%n", "what", "per second", "p99 ms");
                    System.out.printf("%-52s %12.0f %10.2f%n", "GET /api/mcp/servers?q= (wrk, replica)",
                                      searched.perSecond(), searched.p99Millis());
                    System.out.printf("%-52s %12.0f %10s%n", "pgbench -f (the same query, replica; avg "
                                      + String.format("%.2f", pgbench.p99Millis()) + " ms)", pgbench.perSecond(), "-");
                    System.out.printf("%-52s %12.0f %10.2f%n", "GET /api/teams/{id}, primary alone (wrk)",
                                      onPrimary.perSecond(), onPrimary.p99Millis());
                    System.out.printf("%-52s %12.0f %10.2f%n", "GET /api/teams/{id}, one replica (wrk)",
                                      onReplica.perSecond(), onReplica.p99Millis());
                    System.out.printf("ratio search / pgbench: %.2f; team reads with a replica / primary alone: %.2f%n",
                                      searched.perSecond() / pgbench.perSecond(),
                                      onReplica.perSecond() / onPrimary.perSecond());
                    System.out.println("replica status: " + withReplica.status().getJsonObject("read_replicas"));
                }
            }
        }
        System.exit(0);
    }

    private static String base(TestService service) {
        return "http://127.0.0.1:" + service.application().port();
    }

    /** {@value #SERVERS} servers in eight families of names, descriptions and tags. */
    private static void fill(StreamingReplica servers) throws Exception {
        try (Connection primary = servers.primary(); Statement statement = primary.createStatement()) {
            statement.execute("INSERT INTO mcp_servers (name, slug, description, tags)"
                    + " SELECT 'Server ' || i || ' ' || (ARRAY['postgres','github','slack','files','search','weather',"
                    + "'calendar','mail'])[1 + i % 8], 'bench-server-' || i,"
                    + " 'A ' || (ARRAY['database','repository','chat','disk','web','forecast','schedule','inbox'])"
                    + "[1 + i % 8] || ' tool number ' || i || ' that answers questions about '"
                    + " || (ARRAY['tables','issues','channels','folders','pages','rain','meetings','messages'])"
                    + "[1 + (i / 8) % 8], ARRAY[(ARRAY['database','git','chat','files','web','weather','time',"
                    + "'email'])[1 + i % 8]] FROM generate_series(1, " + SERVERS + ") AS i");
            statement.execute("ANALYZE mcp_servers");
        }
    }
}
