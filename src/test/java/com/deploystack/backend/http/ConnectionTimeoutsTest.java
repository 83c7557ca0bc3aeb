package com.deploystack.backend.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

/**
 * Each wait of a connection is timed by what it waits for: a kept-alive connection by the idle timeout, a request
 * whose headers trickle in by the header deadline, a stalled body by the body timeout (here 1 s, 1 s and 3 s).
 */
@Tag("fault")
class ConnectionTimeoutsTest {

    private static final Duration HEADER = Duration.ofSeconds(1);
    private static final Duration BODY = Duration.ofSeconds(1);
    private static final Duration IDLE = Duration.ofSeconds(3);
    /** The guard looks every half second; the machine may be slow. */
    private static final long MARGIN_MILLIS = 1500;

    @TempDir
    Path data;
    private TestService service;
    private int port;

    @BeforeEach
    void start() {
        TestPostgres postgres = TestPostgres.get();
        service = TestService.start(postgres.environment(postgres.createDatabase("timeouts")), data, Path.of("migrations"),
                                    Map.of("http.timeout.header", Long.toString(HEADER.toMillis()),
                                           "http.timeout.body", Long.toString(BODY.toMillis()),
                                           "http.timeout.idle", Long.toString(IDLE.toMillis())));
        port = service.application().port();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void aKeptAliveConnectionWaitsForTheIdleTimeoutNotTheHeaderDeadline() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            assertThat(ask(socket), startsWith("HTTP/1.1 200"));
            TestService.sleep(HEADER.toMillis() * 2);
            assertThat("still open after twice the header deadline", ask(socket), startsWith("HTTP/1.1 200"));

            long closedAfter = millisUntilClosed(socket);

            assertThat(closedAfter, lessThan(IDLE.toMillis() + MARGIN_MILLIS));
            assertThat("not before the idle timeout", closedAfter > IDLE.toMillis() - 100, is(true));
        }
    }

    @Test
    void aConnectionThatNeverSendsAnythingIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            assertThat(millisUntilClosed(socket), lessThan(IDLE.toMillis() + MARGIN_MILLIS));
        }
    }

    @Test
    void headersTricklingInAreCutAtTheHeaderDeadline() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(100);
            byte[] request = "GET /api/db/status HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                    .getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < request.length && !closed; i++) {
                try {
                    socket.getOutputStream().write(request[i]);
                    closed = socket.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // one byte every 100 ms: never a complete header
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertThat("the trickle was cut", closed, is(true));
            assertThat((System.nanoTime() - start) / 1_000_000, lessThan(HEADER.toMillis() + MARGIN_MILLIS));
        }
    }

    @Test
    void aStalledBodyIsCutAfterTheBodyTimeout() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("POST /api/db/setup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                            + "Content-Length: 100\r\n\r\n{\"type\":").getBytes(StandardCharsets.US_ASCII));

            assertThat(millisUntilClosed(socket), lessThan(BODY.toMillis() + MARGIN_MILLIS));
            assertThat(service.status().getBoolean("initialized"), is(false));
        }
    }

    private static String ask(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(5000);
        byte[] buffer = new byte[4096];
        int n = socket.getInputStream().read(buffer);
        return new String(buffer, 0, Math.max(n, 0), StandardCharsets.US_ASCII);
    }

    /** Reads until the server closes the connection (a stray answer is read past), within ten seconds. */
    private static long millisUntilClosed(Socket socket) throws IOException {
        long start = System.nanoTime();
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        try {
            while (in.read() != -1) {
                // an error answer written before the close
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for 10 s", e);
        } catch (IOException reset) {
            // closed
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
