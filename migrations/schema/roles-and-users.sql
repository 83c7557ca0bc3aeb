-- Declared schema (roles-and-users.sql): the desired state, as plain PostgreSQL DDL.
-- Roles and users: global roles with their permissions, and the user accounts.
-- Edit it, then run `migrate generate "<description>"` to write the migration script; `migrate check`
-- fails while the scripts do not produce it. Foreign keys may name tables of other files.

CREATE TABLE roles (
    id             TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name           TEXT        NOT NULL,
    description    TEXT,
    permissions    TEXT[]      NOT NULL DEFAULT '{}',
    is_system_role BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT roles_name_unique UNIQUE (name)
);

CREATE TABLE users (
    id             TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    username       TEXT        NOT NULL,
    email          TEXT        NOT NULL,
    password_hash  TEXT,
    first_name     TEXT,
    last_name      TEXT,
    auth_type      TEXT        NOT NULL DEFAULT 'email_signup',
    github_id      TEXT,
    role_id        TEXT        NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
    email_verified BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT users_username_unique UNIQUE (username),
    CONSTRAINT users_email_unique UNIQUE (email),
    CONSTRAINT users_github_id_unique UNIQUE (github_id),
    CONSTRAINT users_auth_type_check CHECK (auth_type IN ('email_signup', 'github'))
);
CREATE INDEX users_role_id_idx ON users (role_id);
