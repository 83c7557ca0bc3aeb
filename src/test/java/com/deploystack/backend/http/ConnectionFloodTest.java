package com.deploystack.backend.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.support.FaultRun;
import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * Floods of idle and slow connections (loopback, bounded in count and time): health checks keep answering within a
 * second throughout, slow and idle connections are closed by their deadlines, the cap makes room for newcomers,
 * and the port serves afterwards.
 */
@Tag("fault")
class ConnectionFloodTest {

    private static final Duration HEALTH_BUDGET = Duration.ofSeconds(1);
    private static final byte[] HALF_A_REQUEST = "GET /api/db/status HTTP/1.1\r\nHost: x\r\nX-Slow: "
            .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path data;

    @Test
    void healthChecksAnswerWithinASecondWhileThousandsOfIdleAndSlowConnectionsAreOpen() throws Exception {
        int idle = FaultRun.soak() ? 6000 : 2000;
        int slow = FaultRun.soak() ? 3000 : 1000;
        TestPostgres postgres = TestPostgres.get();
        try (TestService service = TestService.start(
                postgres.environment(postgres.createDatabase("flood")), data, Path.of("migrations"),
                Map.of("http.timeout.idle", "4000", "http.timeout.header", "2000"))) {
            int port = service.application().port();
            List<Socket> flood = new ArrayList<>();
            try {
                long worst = 0;
                for (int i = 0; i < idle + slow; i++) {
                    Socket socket = new Socket("127.0.0.1", port);
                    if (i >= idle) {
                        socket.getOutputStream().write(HALF_A_REQUEST);
                    }
                    flood.add(socket);
                    if (i % 500 == 0) {
                        worst = Math.max(worst, healthCheckMillis(port));
                    }
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
                while (System.nanoTime() < deadline) {
                    worst = Math.max(worst, healthCheckMillis(port));
                    TestService.sleep(200);
                }
                System.out.println("[fault] connection flood: " + idle + " idle + " + slow + " slow connections,"
                                   + " slowest health check " + worst + " ms");
                assertThat(worst, lessThan(HEALTH_BUDGET.toMillis()));
                assertThat("every flood connection was closed by its deadline", closedByServer(flood), is(flood.size()));
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
            assertThat(service.get("/api/db/status").status(), is(200));
        }
    }

    @Test
    void atTheCapTheLongestWaitingConnectionMakesRoomForANewcomer() throws Exception {
        int cap = 200;
        TestPostgres postgres = TestPostgres.get();
        try (TestService service = TestService.start(
                postgres.environment(postgres.createDatabase("cap")), data, Path.of("migrations"),
                Map.of("http.connections.max", Integer.toString(cap)))) {
            int port = service.application().port();
            List<Socket> flood = new ArrayList<>();
            try {
                long worst = 0;
                for (int i = 0; i < cap * 5; i++) {
                    flood.add(new Socket("127.0.0.1", port));
                    if (i % 100 == 0) {
                        worst = Math.max(worst, healthCheckMillis(port));
                    }
                }
                TestService.sleep(500);
                assertThat(worst, lessThan(HEALTH_BUDGET.toMillis()));
                assertThat(service.application().openConnections(), lessThanOrEqualTo(cap));
                // the flood's own connections are registered in about the order they were accepted
                assertThat("the oldest were closed to make room", closedByServer(flood.subList(0, cap * 3)), is(cap * 3));
                assertThat("the newest stay open", closedByServer(flood.subList(cap * 5 - cap / 2, cap * 5)), is(0));
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
        }
    }

    /** Milliseconds for a liveness check on a new connection; fails when it gets no 200 within the budget. */
    private static long healthCheckMillis(int port) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) HEALTH_BUDGET.toMillis() * 2);
            socket.getOutputStream().write("GET /observe/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                                   .getBytes(StandardCharsets.US_ASCII));
            byte[] status = socket.getInputStream().readNBytes(12);
            assertThat(new String(status, StandardCharsets.US_ASCII), is("HTTP/1.1 200"));
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** How many of {@code sockets} the server has closed (a read sees the end of the stream or a reset). */
    private static int closedByServer(List<Socket> sockets) throws IOException {
        int closed = 0;
        for (Socket socket : sockets) {
            socket.setSoTimeout(50);
            try {
                InputStream in = socket.getInputStream();
                if (in.read() == -1) {
                    closed++;
                }
            } catch (SocketTimeoutException stillOpen) {
                // open
            } catch (IOException reset) {
                closed++;
            }
        }
        return closed;
    }
}
