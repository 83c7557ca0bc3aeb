package com.deploystack.backend.routes;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.services.TokenService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /api/admin/tokens/revoke-expired}. */
final class TokenHandlers {

    private final Database database;

    TokenHandlers(Database database) {
        this.database = database;
    }

    void revokeExpired(ServerRequest request, ServerResponse response) {
        int revoked = new TokenService(database.client()).revokeExpiredTokens();
        Envelope.ok(response, JsonFactory.object().add("revoked", revoked).build());
    }
}
