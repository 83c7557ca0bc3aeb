package com.deploystack.backend.jobs;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * With {@code POSTGRES_PGBOUNCER=true} nothing listens (LISTEN does not survive transaction pooling): the workers
 * find a job enqueued by another replica by polling every {@code jobs.poll}.
 */
class JobPollingTest {

    @Test
    void throughPgBouncerNothingListensAndTheWorkersPollForJobs(@TempDir Path data) throws SQLException {
        String database = TestPostgres.get().createDatabase("jobpolling");
        Map<String, String> env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("POSTGRES_PGBOUNCER", "true");
        try (TestService service = TestService.start(env, data, Path.of("migrations"), Map.of(
                "plugins.enabled", "probe", "jobs.workers", "2", "jobs.poll", "300",
                "jobs.housekeeping.interval", "0", "tokens.sweep.interval", "0"))) {
            assertThat(service.setup().status(), is(200));
            assertThat("no listening connection", TestPostgres.get().queryCount(database,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND (application_name = 'deploystack-db events' OR query ILIKE 'LISTEN%')"), is(0L));
            JobQueue otherReplica = new JobQueue(service.application().database().dataSource().orElseThrow(),
                                                 Duration.ZERO);
            for (int i = 0; i < 5; i++) {
                String id = otherReplica.enqueue(JobRequest.of("probe.run", "{}"));
                JobWorkerTest.awaitStatus(database, id, "completed", Duration.ofSeconds(5));
            }
        }
    }
}
