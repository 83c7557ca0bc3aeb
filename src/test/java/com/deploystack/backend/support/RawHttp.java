package com.deploystack.backend.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sends bytes as they are (no client cleans them up) and reads the status of the answer. */
public final class RawHttp {

    /** No answer: the server closed the connection without one. */
    public static final int CLOSED = 0;
    /** No answer within ten seconds. */
    public static final int TIMED_OUT = -1;

    private RawHttp() {
    }

    /** Sends {@code bytes} to 127.0.0.1:{@code port}, half-closes, and returns the answer's status code. */
    public static int status(int port, byte[] bytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            try {
                OutputStream out = socket.getOutputStream();
                out.write(bytes);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                // the server may answer and close before reading everything (413, 431): read its answer
            }
            InputStream in = socket.getInputStream();
            byte[] start = new byte[12];
            int read = 0;
            try {
                while (read < start.length) {
                    int n = in.read(start, read, start.length - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
            } catch (SocketTimeoutException e) {
                return TIMED_OUT;
            } catch (IOException reset) {
                // connection reset after or instead of an answer
            }
            String line = new String(start, 0, read, StandardCharsets.ISO_8859_1);
            return line.startsWith("HTTP/1.1 ") && read == start.length ? Integer.parseInt(line.substring(9, 12)) : CLOSED;
        }
    }

    public static int status(int port, String request) throws IOException {
        return status(port, request.getBytes(StandardCharsets.UTF_8));
    }

    /** What came back on a connection, and whether the server closed it. */
    public record Exchange(String received, boolean closedByServer) {

        /** The status codes of every answer received, in order (an answer may follow a body on the same line). */
        public List<Integer> statuses() {
            List<Integer> statuses = new ArrayList<>();
            Matcher matcher = Pattern.compile("HTTP/1\\.[01] (\\d{3}) [A-Z]")
                    .matcher(received);
            while (matcher.find()) {
                statuses.add(Integer.parseInt(matcher.group(1)));
            }
            return statuses;
        }

        /** The head (status line and headers) of the first answer, lower-cased. */
        public String head() {
            int end = received.indexOf("\r\n\r\n");
            return (end < 0 ? received : received.substring(0, end)).toLowerCase(Locale.ROOT);
        }

        /** What follows the head of the first answer. */
        public String body() {
            int end = received.indexOf("\r\n\r\n");
            return end < 0 ? "" : received.substring(end + 4);
        }
    }

    /**
     * Sends {@code request} as it is, keeps the connection open, and reads until the server closes it or nothing
     * more arrives for {@code quiet}.
     */
    public static Exchange exchange(int port, String request, Duration quiet) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) quiet.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received.write(buffer, 0, n);
                }
                return new Exchange(received.toString(StandardCharsets.ISO_8859_1), true);
            } catch (SocketTimeoutException stillOpen) {
                return new Exchange(received.toString(StandardCharsets.ISO_8859_1), false);
            } catch (IOException reset) {
                return new Exchange(received.toString(StandardCharsets.ISO_8859_1), true);
            }
        }
    }
}
