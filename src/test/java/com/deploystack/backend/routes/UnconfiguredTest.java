package com.deploystack.backend.routes;

import java.nio.file.Path;
import java.util.Map;

import com.deploystack.backend.support.TestService;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

class UnconfiguredTest {

    @TempDir
    Path data;

    @Test
    void withTheEmbeddedServerSwitchedOffAndNoVariablesTheServiceIsUnconfiguredButAnswers() {
        try (TestService service = TestService.start(Map.of("POSTGRES_EMBEDDED", "false"), data)) {
            JsonObject status = service.status();
            assertThat(status.getBoolean("configured"), is(false));
            assertThat(status.getBoolean("initialized"), is(false));
            assertThat(status.get("dialect"), is(JsonValue.NULL));
            assertThat(status.getString("phase"), is("UNCONFIGURED"));
            assertThat(status.getJsonArray("missing").getString(0), is("POSTGRES_PASSWORD"));

            TestService.Response setup = service.setup();
            assertThat(setup.status(), is(400));
            assertThat(setup.json().getString("error"), containsString("POSTGRES_PASSWORD"));
            assertThat(setup.json().getJsonObject("details").getJsonArray("missing").getString(0),
                       is("POSTGRES_PASSWORD"));

            assertThat(service.get("/setup").status(), is(200));
            assertThat(service.get("/api/health").body(), is("{\"status\":\"ok\"}"));
            assertThat(service.get("/observe/health/live").status(), is(200));
            assertThat(service.get("/observe/health/ready").status(), is(503));
        }
    }

    @Test
    void aMalformedPortIsNamedInStatusSetupErrorAndOneLogLine() {
        try (TestService service = TestService.start(Map.of("POSTGRES_PASSWORD", "x", "POSTGRES_PORT", "abc"), data)) {
            assertThat(service.status().getString("error"), containsString("POSTGRES_PORT"));
            TestService.Response setup = service.setup();
            assertThat(setup.status(), is(400));
            assertThat(setup.json().getString("error"), containsString("POSTGRES_PORT must be a whole number"));
            assertThat(TestService.logs(), hasItem(containsString("POSTGRES_PORT must be a whole number from 1 to 65535,"
                                                                  + " got 'abc'")));
            assertThat(service.get("/observe/health/live").status(), is(200));
        }
    }

    @Test
    void aMalformedSslSwitchIsNamedInTheSetupError() {
        try (TestService service = TestService.start(Map.of("POSTGRES_PASSWORD", "x", "POSTGRES_SSL", "maybe"), data)) {
            TestService.Response setup = service.setup();
            assertThat(setup.status(), is(400));
            assertThat(setup.json().getJsonObject("details").getJsonArray("invalid").getString(0),
                       is("POSTGRES_SSL must be 'true' or 'false', got 'maybe'"));
        }
    }
}
