package com.deploystack.backend;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The container health check command follows readiness: down before setup, up after, and down when nothing answers. */
@Tag("server")
class ReadinessProbeTest {

    @TempDir
    Path data;

    @Test
    void theProbeSeesReadinessOnlyAfterSetup() {
        TestPostgres postgres = TestPostgres.get();
        try (TestService service = TestService.start(postgres.environment(postgres.createDatabase("probe")), data)) {
            service.awaitPhase("CONFIGURED", Duration.ofSeconds(30));
            URI ready = URI.create("http://127.0.0.1:" + service.application().port() + "/observe/health/ready");
            assertThat(ReadinessProbe.status(ready), is(503));
            assertThat(service.setup().status(), is(200));
            assertThat(ReadinessProbe.status(ready), is(200));
        }
    }

    @Test
    void nothingListeningIsNotReady() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertThat(ReadinessProbe.status(URI.create("http://127.0.0.1:" + port + "/observe/health/ready")), is(-1));
    }
}
