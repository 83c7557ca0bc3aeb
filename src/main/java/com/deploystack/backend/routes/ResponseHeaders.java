package com.deploystack.backend.routes;

import io.helidon.common.Weighted;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Header;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Headers every answer carries, set before anything answers so that error answers and the answers of other
 * filters (CORS refusals) carry them too: {@code X-Content-Type-Options: nosniff} everywhere, and
 * {@code Cache-Control: no-store} on the API (status, setup, settings with their decrypted secrets, the
 * management routes), which no cache may keep.
 */
final class ResponseHeaders implements Filter, HttpFeature, Weighted {

    static final Header NO_STORE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store");

    @Override
    public void setup(HttpRouting.Builder routing) {
        routing.addFilter(this);
    }

    /** Before the CORS filter (850), inside the connection-closing one. */
    @Override
    public double weight() {
        return 900;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        response.header(HeaderValues.X_CONTENT_TYPE_OPTIONS_NOSNIFF);
        if (request.path().path().startsWith("/api/")) {
            response.header(NO_STORE);
        }
        chain.proceed();
    }
}
