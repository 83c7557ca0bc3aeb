package com.deploystack.backend.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * Writes Helidon's HTTP/1.1 response to an HTTP/1.0 client, which knows no chunked transfer coding (RFC 9112
 * §6.1 forbids sending it to one): the {@code Transfer-Encoding: chunked} header and the chunk framing are left
 * out, so the body ends where the connection closes, as every HTTP/1.0 exchange here does. A response with a
 * {@code Content-Length} passes unchanged.
 */
final class Http10ResponseWriter implements DataWriter {

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER }

    private static final String CHUNKED_HEADER = "transfer-encoding: chunked";
    private static final byte[] CRLF = {'\r', '\n'};

    private final DataWriter socket;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private State state = State.HEAD;
    private long chunkRemaining;
    private boolean chunked;

    Http10ResponseWriter(DataWriter socket) {
        this.socket = socket;
    }

    @Override
    public void write(BufferData... buffers) {
        for (BufferData buffer : buffers) {
            write(buffer);
        }
    }

    @Override
    public void write(BufferData buffer) {
        forward(buffer, socket::write);
    }

    @Override
    public void writeNow(BufferData... buffers) {
        for (BufferData buffer : buffers) {
            writeNow(buffer);
        }
    }

    @Override
    public void writeNow(BufferData buffer) {
        forward(buffer, socket::writeNow);
    }

    private synchronized void forward(BufferData buffer, Consumer<BufferData> write) {
        BufferData translated = translate(buffer);
        if (translated.available() > 0) {
            write.accept(translated);
        }
    }

    @Override
    public void flush() {
        socket.flush();
    }

    @Override
    public void close() {
        socket.close();
    }

    private BufferData translate(BufferData buffer) {
        byte[] in = new byte[buffer.available()];
        buffer.read(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        int i = 0;
        while (i < in.length) {
            if (state == State.BODY) {
                out.write(in, i, in.length - i);
                i = in.length;
            } else if (state == State.CHUNK_DATA) {
                int n = (int) Math.min(chunkRemaining, in.length - i);
                out.write(in, i, n);
                i += n;
                chunkRemaining -= n;
                if (chunkRemaining == 0) {
                    state = State.CHUNK_END;
                }
            } else {
                line.write(in[i]);
                if (in[i++] == '\n') {
                    String text = line.toString(StandardCharsets.ISO_8859_1).strip();
                    line.reset();
                    lineRead(text, out);
                }
            }
        }
        return BufferData.create(out.toByteArray());
    }

    /** A complete line of the head, of the chunk framing or of the trailer, without its line end. */
    private void lineRead(String text, ByteArrayOutputStream out) {
        switch (state) {
            case HEAD -> {
                if (text.isEmpty()) {
                    out.writeBytes(head.toByteArray());
                    out.writeBytes(CRLF);
                    head.reset();
                    state = chunked ? State.CHUNK_SIZE : State.BODY;
                } else if (text.toLowerCase(Locale.ROOT).equals(CHUNKED_HEADER)) {
                    chunked = true;
                } else {
                    head.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
                    head.writeBytes(CRLF);
                }
            }
            case CHUNK_SIZE -> {
                int extension = text.indexOf(';');
                chunkRemaining = Long.parseLong(extension < 0 ? text : text.substring(0, extension).strip(), 16);
                state = chunkRemaining == 0 ? State.TRAILER : State.CHUNK_DATA;
            }
            case CHUNK_END -> state = State.CHUNK_SIZE;
            case TRAILER -> {
                if (text.isEmpty()) {
                    // the response is complete; a later one (none is expected: the connection closes) starts afresh
                    state = State.HEAD;
                    chunked = false;
                }
            }
            default -> throw new IllegalStateException("no line expected in state " + state);
        }
    }
}
