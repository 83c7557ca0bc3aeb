package com.deploystack.backend.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.helidon.common.buffers.DataReader;

/**
 * The head of an HTTP/1.0 request, as Helidon 4.5 can serve it: Helidon answers HTTP/1.0 with 505 by design
 * (helidon-io/helidon#9604), yet HAProxy's default {@code option httpchk} and nginx's default {@code proxy_pass}
 * speak HTTP/1.0. The head is re-read as the HTTP/1.1 request it means: one exchange on the connection
 * ({@code Connection: close}), the server itself as {@code Host} when the client named none, and no
 * {@code Expect} (RFC 9110 §10.1.1: a server ignores 100-continue from HTTP/1.0 clients).
 */
final class Http10Request {

    private static final String VERSION = " HTTP/1.0";
    /** Hop-by-hop headers of the client's connection, replaced by {@code Connection: close}. */
    private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-connection", "expect");

    /** Why an HTTP/1.0 request cannot be served: answered 400 and the connection closed. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private Http10Request() {
    }

    /** Whether {@code requestLine} (without its line end) is an HTTP/1.0 request line. */
    static boolean isRequestLine(String requestLine) {
        return requestLine.endsWith(VERSION);
    }

    /**
     * Reads the head (request line to the empty line, at most {@code maxLength} bytes) from {@code reader} and
     * returns it as HTTP/1.1; empty when the head is longer (left unread, for Helidon to refuse as usual).
     *
     * @param host the {@code Host} to add when the request has none
     * @throws Refused when the request carries {@code Transfer-Encoding}, which HTTP/1.0 does not have: its body
     *                 framing cannot be trusted (RFC 9112 §6.1)
     */
    static Optional<byte[]> asHttp11(DataReader reader, int maxLength, String host) throws Refused {
        int length = headLength(reader, maxLength);
        if (length < 0) {
            return Optional.empty();
        }
        String[] lines = new String(reader.readBytes(length), StandardCharsets.ISO_8859_1).split("\r\n");
        ByteArrayOutputStream head = new ByteArrayOutputStream(length + 64);
        String requestLine = lines[0];
        append(head, requestLine.substring(0, requestLine.length() - VERSION.length()) + " HTTP/1.1");
        boolean hasHost = false;
        for (int i = 1; i < lines.length; i++) {
            String name = lines[i].substring(0, Math.max(0, lines[i].indexOf(':'))).strip().toLowerCase(Locale.ROOT);
            if (name.equals("transfer-encoding")) {
                throw new Refused("HTTP/1.0 requests cannot use Transfer-Encoding.");
            }
            hasHost |= name.equals("host");
            if (!DROPPED.contains(name)) {
                append(head, lines[i]);
            }
        }
        if (!hasHost) {
            append(head, "Host: " + host);
        }
        append(head, "Connection: close");
        append(head, "");
        return Optional.of(head.toByteArray());
    }

    /** Bytes from the start of the head through its empty line, or -1 when that is more than {@code maxLength}. */
    private static int headLength(DataReader reader, int maxLength) {
        int length = 0;
        while (length < maxLength) {
            byte[] buffered = reader.getBuffer(Math.min(reader.available(), maxLength)).readBytes();
            for (int i = Math.max(3, length - 3); i < buffered.length; i++) {
                if (buffered[i - 3] == '\r' && buffered[i - 2] == '\n' && buffered[i - 1] == '\r' && buffered[i] == '\n') {
                    return i + 1;
                }
            }
            length = buffered.length;
            if (length < maxLength) {
                reader.pullData();
            }
        }
        return -1;
    }

    private static void append(ByteArrayOutputStream head, String line) {
        head.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
        head.writeBytes(new byte[] {'\r', '\n'});
    }
}
