package com.deploystack.backend.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

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
}
