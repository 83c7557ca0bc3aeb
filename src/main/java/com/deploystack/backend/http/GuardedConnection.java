package com.deploystack.backend.http;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;

/**
 * One accepted connection, served by Helidon's own HTTP/1.1 connection on a view of the socket that this class
 * controls. Every read from the socket passes through {@link #read()}, so the {@link ConnectionGuard} knows what
 * the connection waits for and since when; an HTTP/1.0 request is handed to Helidon as the HTTP/1.1 request it
 * means ({@link Http10Request}) and its answer written back without chunked framing ({@link Http10ResponseWriter}).
 */
final class GuardedConnection implements ServerConnection, InterruptableTask<Void>, ConnectionContext {

    /** What the connection is busy with, as far as the guard cares. */
    enum Stage {
        /** Waiting for the first byte of a request (a new or a kept-alive connection). */
        REQUEST,
        /** A request has begun; its headers are not complete yet. */
        HEADERS,
        /** The headers are complete: the request is being handled (its body read, its answer written). */
        HANDLING
    }

    /** The request phases Helidon's connection reports as it reads. */
    static final Http1ConnectionListener RECEIVED = new Http1ConnectionListener() {
        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            if (ctx instanceof GuardedConnection connection && connection.stage != Stage.HEADERS) {
                connection.stage(Stage.HEADERS);
            }
        }

        @Override
        public void headers(ConnectionContext ctx, Headers headers) {
            if (ctx instanceof GuardedConnection connection) {
                connection.responded = false;
                connection.served = true;
                connection.stage(Stage.HANDLING);
            }
        }
    };

    /** Tells the connection its answer is on the way, so that its next read waits for a new request. */
    static final Http1ConnectionListener SENT = new Http1ConnectionListener() {
        @Override
        public void status(ConnectionContext ctx, Status status) {
            if (ctx instanceof GuardedConnection connection) {
                connection.responded = true;
            }
        }
    };

    private static final byte[] BAD_HTTP10_REQUEST_START =
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                    .getBytes(StandardCharsets.US_ASCII);

    private final ConnectionContext socket;
    private final ConnectionGuard guard;
    private final Http1ConnectionSelector http1;
    private final int maxPrologueLength;
    private final int maxHeadLength;
    private final DataReader fromSocket = DataReader.create(this::read);
    private volatile DataReader reader = fromSocket;
    private volatile DataWriter writer;
    private volatile ServerConnection http;
    private volatile Stage stage = Stage.REQUEST;
    private volatile long stageSince = System.nanoTime();
    private volatile boolean reading;
    private volatile long readingSince;
    private volatile boolean responded;
    private volatile boolean served;

    GuardedConnection(ConnectionContext socket, ConnectionGuard guard, Http1ConnectionSelector http1,
                      int maxPrologueLength, int maxHeadLength) {
        this.socket = socket;
        this.guard = guard;
        this.http1 = http1;
        this.maxPrologueLength = maxPrologueLength;
        this.maxHeadLength = maxHeadLength;
        this.writer = socket.dataWriter();
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        guard.opened(this);
        try {
            if (http10RequestLine()) {
                try {
                    Optional<byte[]> head = Http10Request.asHttp11(fromSocket, maxHeadLength, serverAddress());
                    if (head.isPresent()) {
                        reader = DataReader.create(followedBySocket(head.get()));
                        writer = new Http10ResponseWriter(socket.dataWriter());
                    }
                } catch (Http10Request.Refused refused) {
                    refuse(refused.getMessage());
                    return;
                }
            }
            http = http1.connection(this);
            http.handle(limit);
        } catch (DataReader.InsufficientDataAvailableException closedByClient) {
            // the client closed the connection before a complete request line: there is nothing to answer
        } finally {
            guard.closed(this);
        }
    }

    /** Whether the first request line is HTTP/1.0; a line Helidon would refuse anyway is left to Helidon. */
    private boolean http10RequestLine() {
        int end;
        try {
            end = fromSocket.findNewLine(maxPrologueLength);
        } catch (DataReader.IncorrectNewLineException malformed) {
            return false;
        }
        return end < maxPrologueLength
               && Http10Request.isRequestLine(fromSocket.getBuffer(end).readString(end, StandardCharsets.US_ASCII));
    }

    /** The rewritten head first, then whatever the socket delivers. */
    private Supplier<byte[]> followedBySocket(byte[] head) {
        byte[][] pending = {head};
        return () -> {
            byte[] next = pending[0];
            if (next != null) {
                pending[0] = null;
                return next;
            }
            try {
                fromSocket.ensureAvailable();
            } catch (DataReader.InsufficientDataAvailableException closed) {
                return null;
            }
            return fromSocket.readBytes(fromSocket.available());
        };
    }

    private void refuse(String message) {
        byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        BufferData answer = BufferData.growing(BAD_HTTP10_REQUEST_START.length + 8 + body.length);
        answer.write(BAD_HTTP10_REQUEST_START);
        answer.write((body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        answer.write(body);
        socket.dataWriter().writeNow(answer);
    }

    /** Every read from the socket: the guard times the wait by what the connection is waiting for. */
    private byte[] read() {
        if (stage == Stage.HANDLING && responded) {
            stage(Stage.REQUEST);
        }
        DataReader source = socket.dataReader();
        readingSince = System.nanoTime();
        reading = true;
        try {
            source.ensureAvailable();
        } catch (DataReader.InsufficientDataAvailableException closed) {
            return null;
        } finally {
            reading = false;
        }
        if (stage == Stage.REQUEST) {
            stage(Stage.HEADERS);
        }
        return source.readBytes(source.available());
    }

    private void stage(Stage next) {
        stageSince = System.nanoTime();
        stage = next;
    }

    /** A connection without a complete request: the first to make room for a newcomer at the cap. */
    boolean waitingForRequest() {
        return stage != Stage.HANDLING;
    }

    long stageSince() {
        return stageSince;
    }

    /** Whether the connection has waited on the socket longer than its stage allows. Never cuts a handler at work. */
    boolean overdue(long now, ConnectionLimits limits, boolean draining) {
        if (!reading) {
            return false;
        }
        return switch (stage) {
            case REQUEST -> draining && served || now - stageSince > limits.idle().toNanos();
            case HEADERS -> now - stageSince > limits.header().toNanos();
            case HANDLING -> now - readingSince > limits.body().toNanos();
        };
    }

    /** Closes the socket: a read waiting on it fails at once, and Helidon ends the connection. */
    void abort() {
        try {
            socket.serverSocket().close();
        } catch (UncheckedIOException alreadyClosed) {
            // the client or Helidon closed it first: nothing left to do
        }
    }

    @Override
    public Duration idleTime() {
        ServerConnection current = http;
        return current != null ? current.idleTime() : Duration.ofNanos(System.nanoTime() - stageSince);
    }

    @Override
    public void close(boolean interrupt) {
        ServerConnection current = http;
        if (current != null) {
            current.close(interrupt);
        } else {
            abort();
        }
    }

    @Override
    public boolean canInterrupt() {
        return !(http instanceof InterruptableTask<?> task) || task.canInterrupt();
    }

    private String serverAddress() {
        String host = socket.localPeer().host();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + socket.localPeer().port();
    }

    // The connection context Helidon's HTTP/1.1 connection works on: the socket's, with this class's reader and writer.

    @Override
    public DataReader dataReader() {
        return reader;
    }

    @Override
    public DataWriter dataWriter() {
        return writer;
    }

    @Override
    public ListenerContext listenerContext() {
        return socket.listenerContext();
    }

    @Override
    public ExecutorService executor() {
        return socket.executor();
    }

    @Override
    public Router router() {
        return socket.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return socket.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
        return socket.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
        return socket.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return socket.localPeer();
    }

    @Override
    public boolean isSecure() {
        return socket.isSecure();
    }

    @Override
    public String socketId() {
        return socket.socketId();
    }

    @Override
    public String childSocketId() {
        return socket.childSocketId();
    }
}
