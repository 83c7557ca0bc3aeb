-- Declared schema (oauth.sql): the desired state, as plain PostgreSQL DDL.
-- OAuth clients, access tokens and refresh tokens (only hashes of the tokens are stored).
-- Edit it, then run `migrate generate "<description>"` to write the migration script; `migrate check`
-- fails while the scripts do not produce it. Foreign keys may name tables of other files.

CREATE TABLE oauth_clients (
    id                 TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    client_name        TEXT        NOT NULL,
    client_secret_hash TEXT,
    redirect_uris      TEXT[]      NOT NULL DEFAULT '{}',
    grant_types        TEXT[]      NOT NULL DEFAULT '{authorization_code,refresh_token}',
    scopes             TEXT[]      NOT NULL DEFAULT '{}',
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE oauth_access_tokens (
    id         TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    token_hash TEXT        NOT NULL,
    client_id  TEXT        NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    user_id    TEXT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes     TEXT[]      NOT NULL DEFAULT '{}',
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT oauth_access_tokens_hash_unique UNIQUE (token_hash)
);
CREATE INDEX oauth_access_tokens_expires_at_idx ON oauth_access_tokens (expires_at);
CREATE INDEX oauth_access_tokens_client_id_idx ON oauth_access_tokens (client_id);
CREATE INDEX oauth_access_tokens_user_id_idx ON oauth_access_tokens (user_id);

CREATE TABLE oauth_refresh_tokens (
    id              TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    token_hash      TEXT        NOT NULL,
    access_token_id TEXT        REFERENCES oauth_access_tokens (id) ON DELETE SET NULL,
    client_id       TEXT        NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    user_id         TEXT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes          TEXT[]      NOT NULL DEFAULT '{}',
    expires_at      TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT oauth_refresh_tokens_hash_unique UNIQUE (token_hash)
);
CREATE INDEX oauth_refresh_tokens_expires_at_idx ON oauth_refresh_tokens (expires_at);
CREATE INDEX oauth_refresh_tokens_access_token_id_idx ON oauth_refresh_tokens (access_token_id);
CREATE INDEX oauth_refresh_tokens_client_id_idx ON oauth_refresh_tokens (client_id);
CREATE INDEX oauth_refresh_tokens_user_id_idx ON oauth_refresh_tokens (user_id);
