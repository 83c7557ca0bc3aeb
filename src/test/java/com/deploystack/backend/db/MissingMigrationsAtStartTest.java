package com.deploystack.backend.db;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * An image shipped without its migrations, started after setup was done: it must never report ready
 * (DeployStack once ran on 2 tables of 37 that way).
 */
class MissingMigrationsAtStartTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;
    @TempDir
    Path emptyImage;
    private Map<String, String> env;

    @BeforeEach
    void setUpOnce() {
        TestPostgres postgres = TestPostgres.get();
        env = postgres.environment(postgres.createDatabase("nomigrations"));
        try (TestService service = TestService.start(env, data)) {
            assertThat(service.setup().status(), is(200));
        }
    }

    @Test
    void aRestartWithoutTheMigrationsDirectoryFailsAndIsNeverReady() {
        assertNeverReady(data);
    }

    @Test
    void aRestartWithoutMigrationsAndWithAnEmptiedVolumeFailsTooBecauseTheDatabaseRemembersTheSetup(
            @TempDir Path emptyVolume) {
        assertNeverReady(emptyVolume);
    }

    private void assertNeverReady(Path dataDirectory) {
        try (TestService service = TestService.start(env, dataDirectory, emptyImage.resolve("migrations"), Map.of())) {
            JsonObject status = service.awaitPhase("FAILED", WAIT);
            assertThat(status.getBoolean("initialized"), is(false));
            assertThat(status.getString("error"), containsString("Migrations directory"));
            assertThat(status.getString("error"), containsString("is missing"));
            assertThat(service.get("/observe/health/ready").status(), is(503));
            assertThat(service.get("/observe/health/started").status(), is(200));
            assertThat(service.get("/api/health").status(), is(200));
        }
    }
}
