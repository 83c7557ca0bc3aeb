package com.deploystack.backend.jobs;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import com.deploystack.backend.plugins.PluginContext;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/** The shutdown (SIGTERM's path): no claim after it began, running jobs finish within the drain, the rest released. */
class JobShutdownTest {

    @Test
    void aShutdownLetsAShortJobFinishWithinTheDrainAndReleasesALongOneForAnotherReplica(@TempDir Path data)
            throws SQLException {
        String database = TestPostgres.get().createDatabase("jobshutdown");
        TestService service = TestService.start(TestPostgres.get().environment(database), data, Path.of("migrations"),
                Map.of("plugins.enabled", "probe", "jobs.workers", "2", "http.drain", "1500",
                       "jobs.housekeeping.interval", "0", "tokens.sweep.interval", "0"));
        String longJob;
        String shortJob;
        try {
            assertThat(service.setup().status(), is(200));
            PluginContext probe = JobProbePlugin.CONTEXT.get();
            longJob = probe.jobs().enqueue("run", "{\"sleep\":600000}");
            shortJob = probe.jobs().enqueue("run", "{\"sleep\":700}");
            awaitRunning(database, longJob);
            awaitRunning(database, shortJob);
            long start = System.nanoTime();
            service.application().shutdown();
            assertThat("the drain (1.5 s) and the interrupt's grace bound the shutdown",
                       Duration.ofNanos(System.nanoTime() - start).toMillis(), lessThan(8_000L));
        } finally {
            service.close();
        }
        assertThat(value(database, "SELECT status FROM queue_jobs WHERE id = '" + shortJob + "'"), is("completed"));
        assertThat("released: due at once, lease cleared, the interrupted run not counted", value(database,
                "SELECT status || ' ' || attempts || ' ' || coalesce(locked_by, '-') || ' ' || coalesce(locked_until::text,"
                + " '-') || ' ' || (scheduled_for <= now()) FROM queue_jobs WHERE id = '" + longJob + "'"),
                is("pending 0 - - true"));
        assertThat("no job claimed after the shutdown began", TestPostgres.get().queryCount(database,
                "SELECT count(*) FROM queue_jobs WHERE status = 'processing'"), is(0L));
    }

    private static void awaitRunning(String database, String job) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (TestPostgres.get().queryCount(database, "SELECT count(*) FROM probe_runs WHERE job_id = '" + job + "'")
               == 0) {
            assertThat("job " + job + " started", System.nanoTime() < deadline, is(true));
            TestService.sleep(20);
        }
    }

    private static String value(String database, String sql) throws SQLException {
        return TestPostgres.get().queryValue(database, sql);
    }
}
