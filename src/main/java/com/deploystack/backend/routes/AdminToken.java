package com.deploystack.backend.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;

import com.deploystack.backend.files.SecretFile;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;

/**
 * The bearer token that guards the management routes: {@code DEPLOYSTACK_ADMIN_TOKEN}, or a random token
 * generated once into {@code persistent_data/admin.token} (mode 0600). Compared in constant time.
 */
public final class AdminToken {

    public static final String VARIABLE = "DEPLOYSTACK_ADMIN_TOKEN";
    public static final String FILE_NAME = "admin.token";
    private static final System.Logger LOG = System.getLogger(AdminToken.class.getName());

    private final BearerToken token;

    private AdminToken(String token) {
        this.token = new BearerToken(token);
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
    public Handler protect(Handler handler) {
        return (request, response) -> {
            if (token.check(request) != BearerToken.Presented.RIGHT) {
                response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
                throw new ApiException(Status.UNAUTHORIZED_401,
                                       "Missing or wrong admin token: send Authorization: Bearer <token>.");
            }
            handler.handle(request, response);
        };
    }
}
