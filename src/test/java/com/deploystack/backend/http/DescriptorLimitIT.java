package com.deploystack.backend.http;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The packaged jar under a small {@code ulimit -n}: more connections than it may open files never stop its
 * listener (Helidon 4.5 ended it on "Too many open files" and kept the process alive without a port).
 */
@Tag("fault")
class DescriptorLimitIT {

    private static final int OPEN_FILES = 1024;

    @TempDir
    Path work;

    @Test
    void moreConnectionsThanTheProcessMayOpenFilesNeverStopTheListener() throws Exception {
        TestPostgres postgres = TestPostgres.get();
        try (ServiceProcess service = ServiceProcess.startWithFileLimit(
                postgres.environment(postgres.createDatabase("descriptors")), work.resolve("data"), OPEN_FILES)) {
            service.awaitHttp(Duration.ofSeconds(60));
            assertThat(service.output(), containsString("the process may open only " + OPEN_FILES + " files"));
            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < OPEN_FILES * 2; i++) {
                    flood.add(new Socket("127.0.0.1", service.port()));
                    if (i % 256 == 0) {
                        assertThat("answers with " + i + " connections open", liveness(service.port()), is(true));
                    }
                }
                assertThat(liveness(service.port()), is(true));
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
            assertThat(service.get("/api/db/status").statusCode(), is(200));
            assertThat(service.alive(), is(true));
            assertThat(service.output(), not(containsString("Too many open files")));
        }
    }

    private static boolean liveness(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("GET /observe/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                                   .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
        }
    }
}
