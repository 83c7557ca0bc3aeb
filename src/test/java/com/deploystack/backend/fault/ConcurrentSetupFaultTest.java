package com.deploystack.backend.fault;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.deploystack.backend.support.FaultRun;
import com.deploystack.backend.support.ScriptRepository;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** A hundred setups at once: one performs it, the others are told it was done, and nothing runs twice. */
@Tag("fault")
class ConcurrentSetupFaultTest {

    private static final int SETUPS = 100;

    @Test
    void aHundredConcurrentSetupsGiveOne200And99ConflictsAndApplyEachScriptOnce(@TempDir Path work) throws Exception {
        ScriptRepository repository = ScriptRepository.copyOfProject(work.resolve("migrations"));
        repository.write("29990101000000_count_runs.sql",
                         "CREATE TABLE fault_runs (n int);\nINSERT INTO fault_runs VALUES (1);", "DROP TABLE fault_runs;");
        String database = TestPostgres.get().createDatabase("fault_setups");
        try (TestService service = TestService.start(TestPostgres.get().environment(database), work.resolve("data"),
                                                     repository.root(), Map.of())) {
            service.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < SETUPS; i++) {
                    answers.add(clients.submit(() -> {
                        go.await();
                        return service.setup().status();
                    }));
                }
                go.countDown();
                Map<Integer, Integer> statuses = new TreeMap<>();
                for (Future<Integer> answer : answers) {
                    statuses.merge(answer.get(), 1, Integer::sum);
                }
                FaultRun.report("concurrent setups", SETUPS + " requests answered " + statuses);
                assertThat(statuses, is(Map.of(200, 1, 409, SETUPS - 1)));
            }
            assertThat(service.status().getString("phase"), is("INITIALIZED"));
        }
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT (SELECT count(*) FROM changelog), (SELECT count(DISTINCT id) FROM changelog),"
                     + " (SELECT count(*) FROM deploystack_setup), (SELECT count(*) FROM fault_runs)")) {
            rows.next();
            assertThat("changelog rows", rows.getLong(1), is(repository.scriptCount()));
            assertThat("distinct scripts", rows.getLong(2), is(repository.scriptCount()));
            assertThat("setup markers", rows.getLong(3), is(1L));
            assertThat("rows the counting script inserted", rows.getLong(4), is(1L));
        }
    }
}
