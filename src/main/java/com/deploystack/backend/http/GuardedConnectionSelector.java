package com.deploystack.backend.http;

import java.util.List;
import java.util.Set;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * The listener's only connection selector (Helidon's own HTTP/1.1 selector is not discovered): being the only
 * one, it is handed every accepted socket before a byte is read, so even a client that never sends anything is
 * under the {@link ConnectionGuard}. Each connection is served by Helidon's HTTP/1.1 connection
 * ({@link GuardedConnection}).
 */
public final class GuardedConnectionSelector implements ServerConnectionSelector {

    private final ConnectionGuard guard;
    private final Http1ConnectionSelector http1;
    private final Http1Config config;

    public GuardedConnectionSelector(ConnectionGuard guard, Http1Config config) {
        this.guard = guard;
        // One listener each way, in place of Helidon's wire log (a TRACE-level debugging aid): Helidon 4.5.0
        // combines several listeners into one that forwards no event (Http1ConnectionListenerUtil.ListFrameListener)
        this.config = Http1Config.builder()
                .from(config)
                .receiveListeners(List.of(GuardedConnection.RECEIVED))
                .sendListeners(List.of(GuardedConnection.SENT))
                .build();
        this.http1 = Http1ConnectionSelector.builder().config(this.config).build();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData request) {
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new GuardedConnection(ctx, guard, http1, config.maxPrologueLength(),
                                     config.maxPrologueLength() + config.maxHeadersSize());
    }
}
