-- Declared schema (global-settings.sql): the desired state, as plain PostgreSQL DDL.
-- Global settings: groups, settings, and the keys secret settings are encrypted with.
-- Edit it, then run `migrate generate "<description>"` to write the migration script; `migrate check`
-- fails while the scripts do not produce it. Foreign keys may name tables of other files.

CREATE TABLE global_setting_groups (
    id          TEXT        PRIMARY KEY,
    name        TEXT        NOT NULL,
    description TEXT,
    icon        TEXT,
    sort_order  INTEGER     NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE global_settings (
    key          TEXT        PRIMARY KEY,
    value        TEXT,
    type         TEXT        NOT NULL DEFAULT 'string',
    description  TEXT,
    is_encrypted BOOLEAN     NOT NULL DEFAULT FALSE,
    group_id     TEXT        REFERENCES global_setting_groups (id) ON DELETE SET NULL,
    name         TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT global_settings_type_check CHECK (type IN ('string', 'number', 'boolean'))
);
CREATE INDEX global_settings_group_id_idx ON global_settings (group_id);

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
