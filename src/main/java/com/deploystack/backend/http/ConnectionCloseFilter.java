package com.deploystack.backend.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import io.helidon.common.Weighted;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Closes the connection once an exchange that said {@code Connection: close} (in the request, in the answer, or
 * because the service is draining) is answered. Helidon 4.5.0 sends the header but goes on reading the socket,
 * so an unread request body was parsed and run as the next request (request smuggling, helidon-io/helidon#12324,
 * fixed upstream only after 4.5.3, which does not resolve here). The answer is complete when the chain returns:
 * Helidon's routing commits it, error answers included, before that. Installed as a feature weighing more than
 * any other, so that it is the outermost filter and sees the answers of other filters too (CORS refusals).
 */
public final class ConnectionCloseFilter implements Filter, HttpFeature, Weighted {

    private final ConnectionGuard guard;

    public ConnectionCloseFilter(ConnectionGuard guard) {
        this.guard = guard;
    }

    @Override
    public void setup(HttpRouting.Builder routing) {
        routing.addFilter(this);
    }

    @Override
    public double weight() {
        return 1000;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        boolean draining = guard.draining();
        if (draining) {
            response.header(HeaderValues.CONNECTION_CLOSE);
        }
        chain.proceed();
        if (draining
            || request.headers().containsToken(HeaderValues.CONNECTION_CLOSE)
            || response.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            discardUnreadBody(request);
            throw new CloseConnectionException("The exchange said Connection: close");
        }
    }

    /**
     * Reads and throws away what the client is still sending of a body nobody read (a 413 answered from the
     * declared length): closing a socket with unread bytes makes the kernel send a reset, which can destroy the
     * answer before the client reads it. Bounded by the body deadline of the {@link ConnectionGuard} and by
     * Helidon's {@code max-payload-size}; the bytes are discarded, never parsed.
     */
    private static void discardUnreadBody(RoutingRequest request) {
        if (!request.content().hasEntity() || request.content().consumed()) {
            return;
        }
        try (InputStream body = request.content().inputStream()) {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            // the connection closes anyway; nothing of the body matters
        }
    }
}
