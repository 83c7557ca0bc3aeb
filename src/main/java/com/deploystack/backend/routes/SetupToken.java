package com.deploystack.backend.routes;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;

/**
 * The optional setup token ({@code DEPLOYSTACK_SETUP_TOKEN}): when set, {@code POST /api/db/setup} needs
 * {@code Authorization: Bearer <token>}. Only a SHA-256 digest of the token is kept; it is never logged.
 */
public final class SetupToken {

    public static final String VARIABLE = "DEPLOYSTACK_SETUP_TOKEN";

    /** Why a setup request was refused, as the sentence of the 401 answer. */
    public enum Refusal {
        MISSING("Setup requires the setup token: send the header \"Authorization: Bearer <token>\" with the value"
                + " of " + VARIABLE + "."),
        WRONG("The setup token is not valid.");

        private final String message;

        Refusal(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }

    private static final System.Logger LOG = System.getLogger(SetupToken.class.getName());

    private final Optional<BearerToken> token;

    private SetupToken(Optional<BearerToken> token) {
        this.token = token;
    }

    /** Reads {@value #VARIABLE} (empty counts as unset) and logs once whether setup is protected. */
    public static SetupToken fromEnvironment(Map<String, String> env) {
        String token = env.getOrDefault(VARIABLE, "").strip();
        if (token.isEmpty()) {
            LOG.log(Level.WARNING, VARIABLE + " is not set: anyone who can reach this service's port can perform"
                                   + " the database setup (POST /api/db/setup) until it is done. Set "
                                   + VARIABLE + " to require \"Authorization: Bearer <token>\".");
            return new SetupToken(Optional.empty());
        }
        LOG.log(Level.INFO, "Database setup requires the token from " + VARIABLE);
        return new SetupToken(Optional.of(new BearerToken(token)));
    }

    public boolean required() {
        return token.isPresent();
    }

    /** Empty when the request may perform setup, else why not. */
    Optional<Refusal> check(ServerRequest request) {
        return token.flatMap(required -> switch (required.check(request)) {
            case NONE -> Optional.of(Refusal.MISSING);
            case WRONG -> Optional.of(Refusal.WRONG);
            case RIGHT -> Optional.empty();
        });
    }
}
