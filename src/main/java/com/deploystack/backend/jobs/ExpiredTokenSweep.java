package com.deploystack.backend.jobs;

import java.lang.System.Logger.Level;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.services.TokenService;

/**
 * The scheduled job {@value #TYPE}: revokes expired OAuth access tokens, once per {@code tokens.sweep.interval}
 * on one replica.
 */
final class ExpiredTokenSweep implements JobHandler {

    static final String TYPE = "tokens.sweep";
    private static final System.Logger LOG = System.getLogger(ExpiredTokenSweep.class.getName());

    private final Database database;

    ExpiredTokenSweep(Database database) {
        this.database = database;
    }

    @Override
    public String run(Job job) {
        int revoked = new TokenService(database.client()).revokeExpiredTokens();
        if (revoked > 0) {
            LOG.log(Level.INFO, "Revoked " + revoked + " expired access token" + (revoked == 1 ? "" : "s"));
        }
        return JsonFactory.object().add("revoked", revoked).build().toString();
    }
}
