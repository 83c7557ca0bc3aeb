package com.deploystack.backend.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /setup}: the self-contained setup wizard page shipped in the jar. */
final class SetupPage {

    private final byte[] page;

    SetupPage() {
        try (InputStream in = SetupPage.class.getResourceAsStream("/web/setup.html")) {
            if (in == null) {
                throw new IllegalStateException("web/setup.html is missing from the jar");
            }
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void show(ServerRequest request, ServerResponse response) {
        headers(response).send(page);
    }

    /** HEAD: the headers of the page, its length included, without the page. */
    void head(ServerRequest request, ServerResponse response) {
        headers(response).contentLength(page.length);
        response.send();
    }

    private static ServerResponse headers(ServerResponse response) {
        return response.header(HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8"))
                .header(ResponseHeaders.NO_STORE)
                .header(HeaderValues.create(HeaderNames.create("Referrer-Policy"), "no-referrer"))
                .header(HeaderValues.create(HeaderNames.create("Content-Security-Policy"),
                                            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
                                            + " script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"));
    }
}
