package com.deploystack.backend.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.deploystack.backend.db.DatabaseNotAvailableException;
import com.deploystack.backend.settings.EncryptionSecret;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonObject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

class SetupEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;
    private String database;
    private Map<String, String> env;
    private TestService service;

    @BeforeEach
    void freshDatabase() {
        TestPostgres postgres = TestPostgres.get();
        database = postgres.createDatabase("setup");
        env = postgres.environment(database);
        service = TestService.start(env, data);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void statusBeforeSetupIsConfiguredButNotInitialized() {
        JsonObject status = service.awaitPhase("CONFIGURED", WAIT);
        assertThat(status.getBoolean("configured"), is(true));
        assertThat(status.getBoolean("initialized"), is(false));
        assertThat(status.getString("dialect"), is("postgresql"));
        assertThat(status.getString("mode"), is("external"));
    }

    @Test
    void setupAnswersTheSpecsJsonAndWritesTheSelectionFile() throws Exception {
        TestService.Response response = service.setup();
        assertThat(response.status(), is(200));
        assertThat(response.contentType(), startsWith("application/json"));
        assertThat(response.body(), is("{\"message\":\"Database setup successful. All services have been initialized"
                                       + " and are ready to use.\",\"restart_required\":false,"
                                       + "\"database_type\":\"postgresql\"}"));
        String file = Files.readString(data.resolve("db.selection.json")).strip();
        assertThat(file, matchesPattern("\\{\"type\":\"postgresql\",\"selectedAt\":"
                                        + "\"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\",\"version\":\"1.0\"}"));
        JsonObject status = service.status();
        assertThat(status.getBoolean("configured"), is(true));
        assertThat(status.getBoolean("initialized"), is(true));
        assertThat(status.getString("phase"), is("INITIALIZED"));
        assertThat(changelogRows(), is(scriptCount()));
        assertThat(count("SELECT count(*) FROM deploystack_setup"), is(1L));
    }

    @Test
    void secondSetupAnswers409WithTheSpecMessage() {
        assertThat(service.setup().status(), is(200));
        TestService.Response again = service.setup();
        assertThat(again.status(), is(409));
        assertThat(again.body(), is("{\"message\":\"Database setup has already been performed.\","
                                    + "\"database_type\":\"postgresql\"}"));
    }

    @Test
    void aRestartIsInitializedWithoutSetup() {
        assertThat(service.setup().status(), is(200));
        service.close();
        service = TestService.start(env, data);
        service.awaitPhase("INITIALIZED", WAIT);
        assertThat(service.setup().status(), is(409));
    }

    @Test
    void aReplicaWithoutTheSelectionFileSeesTheDatabaseMarker() throws Exception {
        assertThat(service.setup().status(), is(200));
        service.close();
        Files.delete(data.resolve("db.selection.json"));
        service = TestService.start(env, data);
        service.awaitPhase("INITIALIZED", WAIT);
        assertThat(service.setup().status(), is(409));
        assertThat(Files.exists(data.resolve("db.selection.json")), is(false));
    }

    @Test
    void aReplicaWaitingForSetupCatchesUpOnItsOwnWhenAnotherPerformsItAndThenAnswers409(@TempDir Path otherData)
            throws Exception {
        // replicas share the settings encryption key: here the same key file on each replica's volume
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        for (Path volume : List.of(data, otherData)) {
            Files.writeString(volume.resolve(EncryptionSecret.FILE_NAME), HexFormat.of().formatHex(key));
        }
        try (TestService other = TestService.start(env, otherData)) {
            other.awaitSetupPerformed(false, WAIT);
            assertThat(service.setup().status(), is(200));

            other.awaitPhase("INITIALIZED", Duration.ofSeconds(2));

            assertThat(other.setup().status(), is(409));
            assertThat(Files.exists(otherData.resolve("db.selection.json")), is(false));
        }
    }

    static Stream<Arguments> badRequests() {
        String big = "{\"type\":\"postgresql\",\"pad\":\"" + "x".repeat(70_000) + "\"}";
        return Stream.of(
                Arguments.of("malformed JSON", "application/json", "{\"type\":", 400, "not valid JSON"),
                Arguments.of("an array", "application/json", "[\"postgresql\"]", 400, "must be a JSON object"),
                Arguments.of("a string", "application/json", "\"postgresql\"", 400, "must be a JSON object"),
                Arguments.of("no type", "application/json", "{}", 400, "\"type\" is required"),
                Arguments.of("null type", "application/json", "{\"type\":null}", 400, "\"type\" is required"),
                Arguments.of("numeric type", "application/json", "{\"type\":5}", 400, "must be a string"),
                Arguments.of("unsupported type", "application/json", "{\"type\":\"mysql\"}", 400,
                             "Unsupported database type \"mysql\""),
                Arguments.of("an unknown field", "application/json", "{\"type\":\"postgresql\",\"force\":true}", 400,
                             "Unknown field force"),
                Arguments.of("an empty body", "application/json", "", 400, "Request body is required"),
                Arguments.of("text/plain", "text/plain", "{\"type\":\"postgresql\"}", 415, "application/json"),
                Arguments.of("a form", "application/x-www-form-urlencoded", "type=postgresql", 415, "application/json"),
                Arguments.of("no content type", null, "{\"type\":\"postgresql\"}", 415, "application/json"),
                Arguments.of("a body over the limit", "application/json", big, 413, "larger than 65536 bytes"));
    }

    @ParameterizedTest(name = "{0} answers {3}")
    @MethodSource("badRequests")
    void badSetupRequestsAnswer4xxJsonAndWriteNothing(String what, String contentType, String body, int status,
                                                      String message) throws Exception {
        TestService.Response response = service.post("/api/db/setup", contentType, body);
        assertThat(response.status(), is(status));
        assertThat(response.contentType(), startsWith("application/json"));
        assertThat(response.json().getString("error"), containsString(message));
        assertNothingWritten();
        assertThat(service.status().getString("phase"), is("CONFIGURED"));
    }

    @Test
    void theDatabaseAccessorAnswers503WithTheSpecMessageBeforeSetup() {
        assertThat(service.application().database().dataSource().isPresent(), is(true));
        Assertions.assertThrows(
                DatabaseNotAvailableException.class,
                () -> service.application().database().client());
        assertThat(service.setup().status(), is(200));
        assertThat(service.application().database().client(), Matchers.notNullValue());
    }

    @Test
    void aCorruptSelectionFileIsReportedAndNeverOverwritten() throws Exception {
        service.close();
        Files.writeString(data.resolve("db.selection.json"), "{not json");
        service = TestService.start(env, data);
        JsonObject status = service.awaitPhase("CONFIGURED", WAIT);
        assertThat(status.getString("error"), containsString("db.selection.json is not a valid selection file"));
        TestService.Response response = service.setup();
        assertThat(response.status(), is(500));
        assertThat(response.json().getString("error"), containsString("not overwritten"));
        assertThat(Files.readString(data.resolve("db.selection.json")), is("{not json"));
        assertThat(tableExists("changelog"), is(false));
    }

    @Test
    void aMissingMigrationsDirectoryFailsLoudlyAndWritesNothing(@TempDir Path empty) {
        service.close();
        service = TestService.start(env, data, empty.resolve("migrations"), Map.of());
        TestService.Response response = service.setup();
        assertThat(response.status(), is(500));
        assertThat(response.json().getString("error"), containsString("is missing"));
        JsonObject status = service.status();
        assertThat(status.getString("phase"), is("FAILED"));
        assertThat(status.getString("error"), containsString("Migrations directory"));
        assertThat(Files.exists(data.resolve("db.selection.json")), is(false));
    }

    @Test
    void aFailingScriptRollsBackTheWholeSetupAndARetryAfterTheFixSucceeds(@TempDir Path repository) throws Exception {
        Path scripts = Files.createDirectories(repository.resolve("scripts"));
        try (Stream<Path> files = Files.list(Path.of("migrations/scripts"))) {
            for (Path file : files.toList()) {
                Files.copy(file, scripts.resolve(file.getFileName()));
            }
        }
        Path broken = scripts.resolve("29990101000000_broken.sql");
        Files.writeString(broken, "-- // broken\nCREATE TABLE fine_table (id int);\nSELEC 1;\n-- //@UNDO\n");
        service.close();
        service = TestService.start(env, data, repository, Map.of());

        TestService.Response failed = service.setup();
        assertThat(failed.status(), is(500));
        assertThat(failed.json().getString("error"), containsString("29990101000000_broken.sql"));
        assertThat(failed.json().getString("error"), containsString("syntax error"));
        assertThat(service.status().getString("phase"), is("FAILED"));
        assertNothingWritten();
        assertThat(tableExists("fine_table"), is(false));

        Files.writeString(broken, "-- // broken\nCREATE TABLE fine_table (id int);\nSELECT 1;\n-- //@UNDO\n");
        service.close();
        service = TestService.start(env, data, repository, Map.of());
        assertThat(service.setup().status(), is(200));
        assertThat(tableExists("fine_table"), is(true));
        assertThat(changelogRows(), is(scriptCount() + 1));
    }

    @Test
    void noPasswordAppearsInAnyResponseOrLogLine() {
        List<TestService.Response> responses = List.of(
                service.get("/api/db/status"), service.setup(), service.setup(),
                service.post("/api/db/setup", "application/json", "{"), service.get("/observe/health/ready"));
        for (TestService.Response response : responses) {
            assertThat(response.body(), not(containsString(TestPostgres.PASSWORD)));
        }
        for (String line : TestService.logs()) {
            assertThat(line, not(containsString(TestPostgres.PASSWORD)));
        }
    }

    private void assertNothingWritten() throws SQLException {
        assertThat(Files.exists(data.resolve("db.selection.json")), is(false));
        assertThat(tableExists("changelog"), is(false));
        assertThat(tableExists("deploystack_setup"), is(false));
    }

    private boolean tableExists(String table) throws SQLException {
        return count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = '" + table + "'") > 0;
    }

    private long changelogRows() throws SQLException {
        return count("SELECT count(*) FROM changelog");
    }

    private long count(String sql) throws SQLException {
        return TestPostgres.get().queryCount(database, sql);
    }

    private static long scriptCount() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("migrations/scripts"))) {
            return files.filter(file -> file.toString().endsWith(".sql")).count();
        }
    }
}
