package com.deploystack.backend.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Two replicas on one database racing setup (a hundred setups on one replica: ConcurrentSetupFaultTest). */
class ConcurrentSetupTest {

    @Test
    void twoServiceInstancesOnOneDatabaseRaceSetupToOne200AndOne409(@TempDir Path first, @TempDir Path second)
            throws Exception {
        String database = TestPostgres.get().createDatabase("replicas");
        Map<String, String> env = TestPostgres.get().environment(database);
        // replicas with their own volumes must share the settings encryption secret (README, Encryption)
        env.put("DEPLOYSTACK_ENCRYPTION_SECRET", "replicas-share-this-encryption-secret");
        try (TestService one = TestService.start(env, first); TestService two = TestService.start(env, second)) {
            one.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
            two.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
            List<TestService> replicas = List.of(one, two);
            List<Integer> statuses = race(2, i -> replicas.get(i).setup().status());
            assertThat(statuses.stream().sorted().toList(), is(List.of(200, 409)));
            assertThat(one.status().getBoolean("initialized"), is(true));
            assertThat(two.status().getBoolean("initialized"), is(true));
            assertThat(Files.exists(first.resolve("db.selection.json")) ^ Files.exists(second.resolve("db.selection.json")),
                       is(true));
            assertEachScriptAppliedOnce(database);
        }
    }

    interface Request {
        int send(int index) throws Exception;
    }

    private static List<Integer> race(int requests, Request request) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(requests)) {
            for (int i = 0; i < requests; i++) {
                int index = i;
                futures.add(pool.submit((Callable<Integer>) () -> {
                    go.await();
                    return request.send(index);
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> future : futures) {
                statuses.add(future.get());
            }
            return statuses;
        }
    }

    private static void assertEachScriptAppliedOnce(String database) throws Exception {
        long scripts;
        try (Stream<Path> files = Files.list(Path.of("migrations/scripts"))) {
            scripts = files.filter(file -> file.toString().endsWith(".sql")).count();
        }
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT count(*), count(DISTINCT id), (SELECT count(*) FROM deploystack_setup) FROM changelog")) {
            rows.next();
            assertThat(rows.getLong(1), is(scripts));
            assertThat(rows.getLong(2), is(scripts));
            assertThat(rows.getLong(3), is(1L));
        }
    }
}
