package com.deploystack.backend.http;

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
            throw new CloseConnectionException("The exchange said Connection: close");
        }
    }
}
