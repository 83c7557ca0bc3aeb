package com.deploystack.backend.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

import com.deploystack.backend.db.SecretFile;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;

/**
 * The bearer token that guards the management routes: {@code DEPLOYSTACK_ADMIN_TOKEN}, or a random token
 * generated once into {@code persistent_data/admin.token} (mode 0600). Compared in constant time.
 */
public final class AdminToken {

    public static final String VARIABLE = "DEPLOYSTACK_ADMIN_TOKEN";
    public static final String FILE_NAME = "admin.token";
    private static final System.Logger LOG = System.getLogger(AdminToken.class.getName());

    private final byte[] digest;

    private AdminToken(String token) {
        this.digest = sha256(token);
    }

    public static AdminToken load(Map<String, String> env, Path dataDirectory) {
        String configured = env.get(VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return new AdminToken(configured.strip());
        }
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            AdminToken token = new AdminToken(SecretFile.readOrCreate(file, 32));
            LOG.log(Level.INFO, VARIABLE + " is not set: the management API token is in " + file.toAbsolutePath()
                                + " (readable by its owner only)");
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the admin token file " + file, e);
        }
    }

    /** Wraps {@code handler} so that it runs only for requests carrying the token. */
    Handler protect(Handler handler) {
        return (request, response) -> {
            if (!authorized(request)) {
                response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
                throw new ApiException(Status.UNAUTHORIZED_401,
                                       "Missing or wrong admin token: send Authorization: Bearer <token>.");
            }
            handler.handle(request, response);
        };
    }

    private boolean authorized(ServerRequest request) {
        String header = request.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(header.substring(7).strip()));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
