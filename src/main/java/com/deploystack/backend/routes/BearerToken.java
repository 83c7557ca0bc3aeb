package com.deploystack.backend.routes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * A secret a request presents as {@code Authorization: Bearer <token>}. Only its SHA-256 digest is kept,
 * and digests of equal length are compared without an early exit, so the answer time says nothing about
 * the token.
 */
final class BearerToken {

    /** What the request's Authorization header held. */
    enum Presented { NONE, WRONG, RIGHT }

    private static final String BEARER = "bearer ";

    private final byte[] digest;

    BearerToken(String token) {
        this.digest = sha256(token);
    }

    Presented check(ServerRequest request) {
        String header = request.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return Presented.NONE;
        }
        return MessageDigest.isEqual(digest, sha256(header.substring(BEARER.length()).strip()))
                ? Presented.RIGHT : Presented.WRONG;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
