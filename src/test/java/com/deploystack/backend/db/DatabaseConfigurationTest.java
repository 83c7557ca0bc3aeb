package com.deploystack.backend.db;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class DatabaseConfigurationTest {

    private static final DatabaseSettings.PoolSettings POOL =
            new DatabaseSettings.PoolSettings(10, 2, Duration.ofSeconds(5), Duration.ofSeconds(2));

    @Test
    void noVariableAtAllSelectsTheEmbeddedServer() {
        DatabaseConfiguration configuration = DatabaseConfiguration.read(Map.of(), POOL);
        assertThat(configuration.mode(), is(DatabaseConfiguration.Mode.EMBEDDED));
        assertThat(configuration.configured(), is(true));
    }

    @Test
    void embeddedSwitchedOffWithoutVariablesIsUnconfiguredNamingThePassword() {
        DatabaseConfiguration configuration = DatabaseConfiguration.read(Map.of("POSTGRES_EMBEDDED", "false"), POOL);
        assertThat(configuration.mode(), is(DatabaseConfiguration.Mode.EXTERNAL));
        assertThat(configuration.configured(), is(false));
        assertThat(configuration.missing(), is(List.of("POSTGRES_PASSWORD")));
    }

    @Test
    void onlyThePasswordIsRequiredAndTheRestHasDeployStacksDefaults() {
        DatabaseConfiguration configuration = DatabaseConfiguration.read(Map.of("POSTGRES_PASSWORD", "pw"), POOL);
        DatabaseSettings settings = configuration.settings().orElseThrow();
        assertThat(settings.host(), is("localhost"));
        assertThat(settings.port(), is(5432));
        assertThat(settings.database(), is("deploystack"));
        assertThat(settings.user(), is("postgres"));
        assertThat(settings.ssl(), is(false));
        assertThat(settings.driverProperties().getProperty("sslmode"), is("disable"));
        assertThat(settings.driverProperties().getProperty("tcpKeepAlive"), is("true"));
    }

    @Test
    void everyVariableIsRead() {
        DatabaseSettings settings = DatabaseConfiguration.read(Map.of(
                "POSTGRES_HOST", "db.example", "POSTGRES_PORT", "6543", "POSTGRES_DATABASE", "ds",
                "POSTGRES_USER", "app", "POSTGRES_PASSWORD", "pw", "POSTGRES_SSL", "true"), POOL).settings().orElseThrow();
        assertThat(settings.jdbcUrl(), is("jdbc:postgresql://db.example:6543/ds"));
        assertThat(settings.user(), is("app"));
        assertThat(settings.driverProperties().getProperty("sslmode"), is("require"));
    }

    @Test
    void aSetHostWithoutPasswordIsMissingThePassword() {
        DatabaseConfiguration configuration = DatabaseConfiguration.read(Map.of("POSTGRES_HOST", "db"), POOL);
        assertThat(configuration.configured(), is(false));
        assertThat(configuration.problems(), is("missing environment variable POSTGRES_PASSWORD"));
    }

    @Test
    void malformedPortsAndSslAreReportedNamingTheVariable() {
        for (String port : List.of("abc", "0", "70000", "-1", "5432x")) {
            DatabaseConfiguration configuration = DatabaseConfiguration.read(
                    Map.of("POSTGRES_PASSWORD", "pw", "POSTGRES_PORT", port), POOL);
            assertThat(port, configuration.configured(), is(false));
            assertThat(configuration.problems(), containsString("POSTGRES_PORT"));
        }
        DatabaseConfiguration ssl = DatabaseConfiguration.read(Map.of("POSTGRES_PASSWORD", "pw", "POSTGRES_SSL", "maybe"),
                                                               POOL);
        assertThat(ssl.configured(), is(false));
        assertThat(ssl.problems(), is("POSTGRES_SSL must be 'true' or 'false', got 'maybe'"));
    }

    @Test
    void theSettingsNeverPrintThePassword() {
        DatabaseSettings settings = DatabaseConfiguration.read(Map.of("POSTGRES_PASSWORD", "hunter2-secret"), POOL)
                .settings().orElseThrow();
        assertThat(settings.toString(), not(containsString("hunter2-secret")));
    }
}
