package com.deploystack.backend.db;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.deploystack.backend.ServiceConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class DatabaseConfigurationTest {

    private static final DatabaseSettings.PoolSettings POOL = DatabaseSettings.PoolSettings.from(ServiceConfig.of(Map.of()).get("db"));

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
        Properties driver = settings.driverProperties();
        assertThat(driver.getProperty("PGHOST"), is("db.example"));
        assertThat(driver.getProperty("PGPORT"), is("6543"));
        assertThat(driver.getProperty("PGDBNAME"), is("ds"));
        assertThat(settings.user(), is("app"));
        assertThat(driver.getProperty("sslmode"), is("require"));
    }

    @Test
    void theUrlCarriesNoSettingSoNoVariableCanAddAConnectionParameter() {
        DatabaseSettings settings = DatabaseConfiguration.read(Map.of(
                "POSTGRES_PASSWORD", "pw", "POSTGRES_DATABASE", "ds?prepareThreshold=0&socketFactory=x",
                "POSTGRES_USER", "app&sslmode=disable"), POOL).settings().orElseThrow();
        assertThat(settings.jdbcUrl(), is("jdbc:postgresql://"));
        Properties driver = settings.driverProperties();
        assertThat(driver.getProperty("PGDBNAME"), is("ds?prepareThreshold=0&socketFactory=x"));
        assertThat(driver.getProperty("socketFactory"), is((String) null));
        assertThat(driver.getProperty("prepareThreshold"), is((String) null));
    }

    @Test
    void hostsDatabasesAndUsersWithSeparatorsOrControlCharactersAreRefusedNamingTheVariable() {
        assertThat(problems(Map.of("POSTGRES_HOST", "db/evil?x=1")),
                   is("POSTGRES_HOST must be a host name or an IP address, got 'db/evil?x=1'"));
        assertThat(problems(Map.of("POSTGRES_HOST", "db example")), containsString("POSTGRES_HOST"));
        assertThat(problems(Map.of("POSTGRES_DATABASE", "ds\u0000x")),
                   is("POSTGRES_DATABASE must not contain control characters"));
        assertThat(problems(Map.of("POSTGRES_USER", "app\nx")), is("POSTGRES_USER must not contain control characters"));
        assertThat(DatabaseConfiguration.read(Map.of("POSTGRES_PASSWORD", "pw", "POSTGRES_HOST", "fd00::1"), POOL)
                           .configured(), is(true));
    }

    @Test
    void pgbouncerTurnsOffServerSidePreparedStatementsAndTheSessionStatementTimeout() {
        Properties direct = DatabaseConfiguration.read(Map.of("POSTGRES_PASSWORD", "pw"), POOL).settings()
                .orElseThrow().driverProperties();
        assertThat(direct.getProperty("options"), is("-c statement_timeout=5000"));
        assertThat(direct.getProperty("prepareThreshold"), is((String) null));
        assertThat(direct.getProperty("socketTimeout"), is("10"));
        assertThat(direct.getProperty("connectTimeout"), is("5"));

        DatabaseSettings bouncer = DatabaseConfiguration.read(Map.of("POSTGRES_PASSWORD", "pw",
                                                                     "POSTGRES_PGBOUNCER", "true"), POOL)
                .settings().orElseThrow();
        assertThat(bouncer.pgbouncer(), is(true));
        assertThat(bouncer.driverProperties().getProperty("prepareThreshold"), is("0"));
        assertThat(bouncer.driverProperties().getProperty("options"), is((String) null));
        assertThat(bouncer.as("plugin", "pw", 2).driverProperties().getProperty("prepareThreshold"), is("0"));
        assertThat(problems(Map.of("POSTGRES_PGBOUNCER", "yes")),
                   is("POSTGRES_PGBOUNCER must be 'true' or 'false', got 'yes'"));
    }

    @Test
    void migrationConnectionsHaveNoStatementTimeoutAndTheMigrationSocketTimeout() {
        Properties migration = DatabaseConfiguration.read(Map.of("POSTGRES_PASSWORD", "pw"), POOL).settings()
                .orElseThrow().migrationProperties();
        assertThat(migration.getProperty("options"), is((String) null));
        assertThat(migration.getProperty("socketTimeout"), is("3600"));
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

    @Test
    void sslModeChoosesTheDriversSslModeAndTheVerifyModesPassTheRootCertificate(@TempDir Path directory)
            throws Exception {
        Path ca = Files.writeString(directory.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nMII\n");
        for (String mode : List.of("disable", "require", "VERIFY-CA", "verify-full")) {
            Map<String, String> env = new HashMap<>(Map.of("POSTGRES_PASSWORD", "pw", "POSTGRES_SSL_MODE", mode));
            if (mode.toLowerCase().startsWith("verify")) {
                env.put("POSTGRES_SSL_ROOT_CERT", ca.toString());
            }
            DatabaseConfiguration configuration = DatabaseConfiguration.read(env, POOL);
            assertThat(configuration.problems(), configuration.configured(), is(true));
            Properties driver = configuration.settings().orElseThrow().driverProperties();
            assertThat(driver.getProperty("sslmode"), is(mode.toLowerCase()));
            assertThat(driver.getProperty("sslrootcert"),
                       is(mode.toLowerCase().startsWith("verify") ? ca.toAbsolutePath().toString() : null));
        }
    }

    @Test
    void malformedOrContradictorySslModesAreReportedNamingTheVariables() {
        assertThat(problems(Map.of("POSTGRES_SSL_MODE", "prefer")),
                   is("POSTGRES_SSL_MODE must be 'disable', 'require', 'verify-ca' or 'verify-full', got 'prefer'"));
        assertThat(problems(Map.of("POSTGRES_SSL", "false", "POSTGRES_SSL_MODE", "require")),
                   is("POSTGRES_SSL=false contradicts POSTGRES_SSL_MODE=require;"
                      + " remove POSTGRES_SSL or make it agree"));
        assertThat(problems(Map.of("POSTGRES_SSL", "true", "POSTGRES_SSL_MODE", "disable")),
                   containsString("POSTGRES_SSL=true contradicts POSTGRES_SSL_MODE=disable"));
        assertThat(DatabaseConfiguration.read(Map.of("POSTGRES_PASSWORD", "pw", "POSTGRES_SSL", "true",
                                                     "POSTGRES_SSL_MODE", "require"), POOL).configured(), is(true));
    }

    @Test
    void theVerifyModesNeedAReadablePemRootCertificate(@TempDir Path directory) throws Exception {
        assertThat(problems(Map.of("POSTGRES_SSL_MODE", "verify-full")),
                   is("missing environment variable POSTGRES_SSL_ROOT_CERT"));
        assertThat(problems(Map.of("POSTGRES_SSL_MODE", "verify-ca",
                                   "POSTGRES_SSL_ROOT_CERT", directory.resolve("absent.pem").toString())),
                   containsString("POSTGRES_SSL_ROOT_CERT must name a readable PEM file of CA certificates"));
        Path notPem = Files.write(directory.resolve("ca.der"), new byte[] {0x30, (byte) 0x82, 0x01});
        assertThat(problems(Map.of("POSTGRES_SSL_MODE", "verify-full", "POSTGRES_SSL_ROOT_CERT", notPem.toString())),
                   is("POSTGRES_SSL_ROOT_CERT must name a PEM file of CA certificates; '" + notPem + "' holds none"));
    }

    @Test
    void aRootCertificateWithAModeThatDoesNotVerifyIsRefusedRatherThanSilentlyIgnored(@TempDir Path directory)
            throws Exception {
        Path ca = Files.writeString(directory.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        assertThat(problems(Map.of("POSTGRES_SSL", "true", "POSTGRES_SSL_ROOT_CERT", ca.toString())),
                   is("POSTGRES_SSL_ROOT_CERT is used only with POSTGRES_SSL_MODE=verify-ca or verify-full;"
                      + " 'require' does not check the server's certificate"));
    }

    @Test
    void anSslVariableAloneMeansAnExternalServerRatherThanTheEmbeddedOne() {
        DatabaseConfiguration configuration = DatabaseConfiguration.read(Map.of("POSTGRES_SSL_MODE", "require"), POOL);
        assertThat(configuration.mode(), is(DatabaseConfiguration.Mode.EXTERNAL));
        assertThat(configuration.missing(), is(List.of("POSTGRES_PASSWORD")));
    }

    private static String problems(Map<String, String> tls) {
        Map<String, String> env = new HashMap<>(tls);
        env.put("POSTGRES_PASSWORD", "pw");
        DatabaseConfiguration configuration = DatabaseConfiguration.read(env, POOL);
        assertThat(configuration.configured(), is(false));
        assertThat(configuration.settings().isPresent(), is(false));
        return configuration.problems();
    }
}
