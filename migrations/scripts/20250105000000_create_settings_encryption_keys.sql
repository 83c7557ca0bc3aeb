-- // create settings encryption keys
-- One row per encryption key the global settings were ever encrypted under: how to derive it from
-- the secret (KDF, per-installation random salt, iterations) and its id (an HMAC of the key, never
-- the key). Exactly one row is active; settings rotate-key adds a new one in the same transaction that
-- re-encrypts every secret.

CREATE TABLE global_settings_keys (
    key_id     TEXT        PRIMARY KEY,
    kdf        TEXT        NOT NULL,
    salt       TEXT        NOT NULL,
    iterations INTEGER     NOT NULL,
    active     BOOLEAN     NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT global_settings_keys_kdf_check CHECK (kdf IN ('pbkdf2-sha256', 'hkdf-sha256'))
);
CREATE UNIQUE INDEX global_settings_keys_one_active ON global_settings_keys (active) WHERE active;

-- //@UNDO

DROP TABLE global_settings_keys;
