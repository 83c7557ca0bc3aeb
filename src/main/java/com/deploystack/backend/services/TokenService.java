package com.deploystack.backend.services;

import io.helidon.dbclient.DbClient;

/** OAuth token housekeeping. */
public final class TokenService {

    private final DbClient db;

    public TokenService(DbClient db) {
        this.db = db;
    }

    /** Deletes access tokens whose {@code expires_at} lies in the past; returns how many. */
    public int revokeExpiredTokens() {
        return Math.toIntExact(db.execute().delete("DELETE FROM oauth_access_tokens WHERE expires_at < now()"));
    }
}
