package com.deploystack.backend.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.deploystack.backend.support.TestCertificates;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** TLS to a real PostgreSQL with {@code ssl=on} and a certificate this test made. */
@Tag("server")
class TlsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path certificatesDirectory;
    private static TestCertificates certificates;
    private static EmbeddedPostgres postgres;
    private static int databases;

    @TempDir
    Path data;
    private TestService service;

    @BeforeAll
    static void startPostgresWithTls() throws IOException {
        certificates = TestCertificates.create(certificatesDirectory);
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(Files.createDirectories(certificatesDirectory.resolve("postgres")))
                .setCleanDataDirectory(true)
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", certificates.serverCertificate().toString())
                .setServerConfig("ssl_key_file", certificates.serverKey().toString())
                .start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @AfterEach
    void stopService() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void sslTrueEncryptsTheConnectionWithoutVerifyingTheCertificate() throws SQLException {
        service = start(Map.of("POSTGRES_SSL", "true"));
        assertThat(service.setup().status(), is(200));
        assertThat(encrypted(), is(true));
    }

    @Test
    void sslFalseConnectsInPlainText() throws SQLException {
        service = start(Map.of("POSTGRES_SSL", "false"));
        service.awaitPhase("CONFIGURED", WAIT);
        assertThat(encrypted(), is(false));
    }

    @Test
    void verifyFullWithTheRightCaSetsUpOverAnEncryptedConnection() throws SQLException {
        service = start(Map.of("POSTGRES_SSL_MODE", "verify-full",
                               "POSTGRES_SSL_ROOT_CERT", certificates.caCertificate().toString()));
        assertThat(service.setup().status(), is(200));
        assertThat(encrypted(), is(true));
        assertThat(service.get("/observe/health/ready").status(), is(200));
    }

    @Test
    void verifyFullWithAWrongCaRefusesSetupNamingCertificateVerification() {
        service = start(Map.of("POSTGRES_SSL_MODE", "verify-full",
                               "POSTGRES_SSL_ROOT_CERT", certificates.otherCaCertificate().toString()));
        TestService.Response response = service.setup();
        assertThat(response.body(), response.status(), is(503));
        String error = response.json().getString("error");
        assertThat(error, containsString("failed certificate verification (POSTGRES_SSL_MODE=verify-full)"));
        assertThat(error, containsString("POSTGRES_SSL_ROOT_CERT"));
        assertThat(error, not(containsString("Exception")));
        assertThat(error, not(containsString("\tat ")));
        JsonObject status = service.status();
        assertThat(status.getString("phase"), is("CONFIGURED"));
        assertThat(status.getBoolean("initialized"), is(false));
        assertThat(service.get("/observe/health/ready").status(), is(503));
        assertThat(Files.exists(data.resolve("db.selection.json")), is(false));
    }

    @Test
    void verifyFullRefusesAHostTheCertificateDoesNotNameWhileVerifyCaAcceptsIt() {
        Map<String, String> byAddress = Map.of("POSTGRES_HOST", "127.0.0.1",
                                               "POSTGRES_SSL_ROOT_CERT", certificates.caCertificate().toString());
        Map<String, String> verifyFull = new HashMap<>(byAddress);
        verifyFull.put("POSTGRES_SSL_MODE", "verify-full");
        service = start(verifyFull);
        TestService.Response refused = service.setup();
        assertThat(refused.body(), refused.status(), is(503));
        assertThat(refused.json().getString("error"), containsString("does not name the host"));
        service.close();

        Map<String, String> verifyCa = new HashMap<>(byAddress);
        verifyCa.put("POSTGRES_SSL_MODE", "verify-ca");
        service = start(verifyCa);
        assertThat(service.setup().status(), is(200));
    }

    @Test
    void noPasswordInAnyLogLineOfTheTlsFailures() {
        service = start(Map.of("POSTGRES_SSL_MODE", "verify-full",
                               "POSTGRES_SSL_ROOT_CERT", certificates.otherCaCertificate().toString()));
        assertThat(service.setup().body(), not(containsString(TestPostgres.PASSWORD)));
        for (String line : TestService.logs()) {
            assertThat(line, not(containsString(TestPostgres.PASSWORD)));
        }
    }

    /** The service on a fresh database of the TLS server, with {@code tls} added to its environment. */
    private TestService start(Map<String, String> tls) {
        String database = "tls_" + (++databases);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> env = new HashMap<>(Map.of(
                "POSTGRES_HOST", "localhost",
                "POSTGRES_PORT", Integer.toString(postgres.getPort()),
                "POSTGRES_DATABASE", database,
                "POSTGRES_USER", "postgres",
                "POSTGRES_PASSWORD", TestPostgres.PASSWORD));
        env.putAll(tls);
        return TestService.start(env, data, Path.of("migrations"), Map.of("db.timeout.connect", "1500"));
    }

    /** Whether the service's own pool talks to PostgreSQL over TLS, as the server sees it. */
    private boolean encrypted() throws SQLException {
        DataSource pool = service.application().database().dataSource().orElseThrow();
        try (Connection connection = pool.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }
}
