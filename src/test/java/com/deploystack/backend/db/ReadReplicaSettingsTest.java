package com.deploystack.backend.db;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.deploystack.backend.ServiceConfig;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

/** {@code POSTGRES_READ_*}: the replicas' settings, defaults from the primary, and each malformed value named. */
class ReadReplicaSettingsTest {

    private static final Config CONFIG = ServiceConfig.of(Map.of());

    private static Map<String, String> primary(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("POSTGRES_HOST", "db.internal", "POSTGRES_PORT", "5433",
                                                       "POSTGRES_USER", "app", "POSTGRES_PASSWORD", "secret",
                                                       "POSTGRES_SSL", "true"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static ReadReplicaSettings read(Map<String, String> env) {
        DatabaseConfiguration configuration = DatabaseConfiguration.read(
                env, DatabaseSettings.PoolSettings.from(CONFIG.get("db")));
        return ReadReplicaSettings.read(env, configuration, CONFIG.get("db.read"));
    }

    @Test
    void withoutReadHostsEveryReadStaysOnThePrimary() {
        ReadReplicaSettings settings = read(primary());
        assertThat(settings.servers(), is(empty()));
        assertThat(settings.problems(), is(empty()));
        assertThat(settings.maxLag(), is(Duration.ofSeconds(2)));
    }

    @Test
    void eachHostIsAReplicaWithThePrimarysDatabaseLoginAndTls() {
        ReadReplicaSettings settings = read(primary("POSTGRES_READ_HOST", "replica-a, 10.0.0.7"));
        assertThat(settings.problems(), is(empty()));
        assertThat(settings.servers().stream().map(DatabaseSettings::host).toList(), contains("replica-a", "10.0.0.7"));
        DatabaseSettings first = settings.servers().getFirst();
        assertThat(first.port(), is(5433));
        assertThat(first.user(), is("app"));
        assertThat(first.password(), is("secret"));
        assertThat(first.sslMode(), is(SslMode.REQUIRE));
        assertThat(first.database(), is("deploystack"));
        // host and port travel as driver properties, never inside a URL
        assertThat(first.driverProperties().getProperty("PGHOST"), is("replica-a"));
        assertThat(first.jdbcUrl(), is("jdbc:postgresql://"));
    }

    @Test
    void portLoginAndLagMayBeSetForTheReplicas() {
        ReadReplicaSettings settings = read(primary("POSTGRES_READ_HOST", "r1", "POSTGRES_READ_PORT", "6432",
                                                    "POSTGRES_READ_USER", "reader", "POSTGRES_READ_PASSWORD", "ro",
                                                    "POSTGRES_READ_MAX_LAG", "500ms"));
        assertThat(settings.problems(), is(empty()));
        DatabaseSettings replica = settings.servers().getFirst();
        assertThat(replica.port(), is(6432));
        assertThat(replica.user(), is("reader"));
        assertThat(replica.password(), is("ro"));
        assertThat(settings.maxLag(), is(Duration.ofMillis(500)));
        assertThat(read(primary("POSTGRES_READ_HOST", "r1", "POSTGRES_READ_MAX_LAG", "5s")).maxLag(),
                   is(Duration.ofSeconds(5)));
        assertThat(read(primary("POSTGRES_READ_HOST", "r1", "POSTGRES_READ_MAX_LAG", "1500")).maxLag(),
                   is(Duration.ofMillis(1500)));
    }

    @Test
    void malformedValuesAreNamedAndLeaveTheServiceUnconfigured() {
        Map<String, String> bad = Map.of(
                "POSTGRES_READ_PORT", "abc",
                "POSTGRES_READ_MAX_LAG", "soon",
                "POSTGRES_READ_HOST", "r1/evil?sslmode=disable");
        bad.forEach((name, value) -> {
            Map<String, String> env = primary("POSTGRES_READ_HOST", "r1", name, value);
            ReadReplicaSettings settings = read(env);
            assertThat(name, settings.problems(), hasSize(1));
            assertThat(settings.problems().getFirst(), containsString(name));
            assertThat(settings.servers(), is(empty()));
            DatabaseConfiguration configuration = settings.applyTo(DatabaseConfiguration.read(
                    env, DatabaseSettings.PoolSettings.from(CONFIG.get("db"))));
            assertThat(configuration.configured(), is(false));
            assertThat(configuration.settings(), is(Optional.empty()));
            assertThat(configuration.problems(), containsString(name));
        });
        assertThat(read(primary("POSTGRES_READ_PORT", "6432")).problems(),
                   is(List.of("POSTGRES_READ_PORT is set but POSTGRES_READ_HOST is not")));
        assertThat(read(primary("POSTGRES_READ_HOST", "r1", "POSTGRES_READ_USER", "reader")).problems().getFirst(),
                   containsString("POSTGRES_READ_PASSWORD"));
        assertThat(read(Map.of("POSTGRES_READ_HOST", "r1")).problems().getFirst(), containsString("embedded"));
    }

    @Test
    void walPositionsParseCompareAndPrintAsPostgreSqlDoes() {
        Lsn small = Lsn.parse("0/3000060").orElseThrow();
        Lsn large = Lsn.parse("16/B374D848").orElseThrow();
        assertThat(large.toString(), is("16/B374D848"));
        assertThat(small.toString(), is("0/3000060"));
        assertThat(large.reached(small), is(true));
        assertThat(small.reached(large), is(false));
        assertThat(small.reached(small), is(true));
        assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF").orElseThrow().reached(large), is(true));
        for (String malformed : List.of("", "16", "16/", "/1", "0x16/1", "123456789/0", "16/B374D848;", "g/1")) {
            assertThat(malformed, Lsn.parse(malformed), is(Optional.empty()));
        }
        assertThat(Lsn.parse(null), is(Optional.empty()));
    }
}
