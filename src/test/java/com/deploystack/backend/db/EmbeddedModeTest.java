package com.deploystack.backend.db;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** With no POSTGRES_* variable the service runs on its own embedded PostgreSQL. */
@Tag("server")
class EmbeddedModeTest {

    @Test
    void withoutVariablesTheEmbeddedServerIsSetUpAndItsDataSurvivesARestart(@TempDir Path data) throws Exception {
        int port;
        try (TestService service = TestService.start(Map.of(), data)) {
            assertThat(service.status().getString("mode"), is("embedded"));
            service.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
            Path passwordFile = data.resolve("embedded-postgres.password");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)), is("rw-------"));
            port = service.application().database().settings().orElseThrow().port();
            String password = Files.readString(passwordFile).strip();

            SQLException refused = assertThrows(SQLException.class, () -> connect(port, "not-the-password").close());
            assertThat(refused.getMessage(), containsString("password authentication failed"));
            assertThat(service.setup().status(), is(200));
            try (Connection connection = connect(port, password); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE survivor (note text)");
                statement.execute("INSERT INTO survivor VALUES ('still here')");
            }
        }
        assertThrows(SQLException.class, () -> connect(port, "x").close(), "the embedded server stops with the service");

        try (TestService service = TestService.start(Map.of(), data)) {
            service.awaitPhase("INITIALIZED", Duration.ofSeconds(30));
            String password = Files.readString(data.resolve("embedded-postgres.password")).strip();
            int newPort = service.application().database().settings().orElseThrow().port();
            try (Connection connection = connect(newPort, password); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT note FROM survivor")) {
                rows.next();
                assertThat(rows.getString(1), is("still here"));
            }
            assertThat(service.setup().status(), is(409));
        }
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/deploystack", properties);
    }
}
