-- Declared schema (teams.sql): the desired state, as plain PostgreSQL DDL.
-- Teams and their members.
-- Edit it, then run `migrate generate "<description>"` to write the migration script; `migrate check`
-- fails while the scripts do not produce it. Foreign keys may name tables of other files.

CREATE TABLE teams (
    id          TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name        TEXT        NOT NULL,
    slug        TEXT        NOT NULL,
    description TEXT,
    owner_id    TEXT        REFERENCES users (id) ON DELETE SET NULL,
    is_default  BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT teams_slug_unique UNIQUE (slug),
    CONSTRAINT teams_name_not_blank CHECK (length(btrim(name)) > 0),
    CONSTRAINT teams_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);
CREATE INDEX teams_owner_id_idx ON teams (owner_id);

CREATE TABLE team_memberships (
    id        TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    team_id   TEXT        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id   TEXT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      TEXT        NOT NULL,
    joined_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT team_memberships_unique UNIQUE (team_id, user_id),
    CONSTRAINT team_memberships_role_check CHECK (role IN ('team_admin', 'team_user'))
);
CREATE INDEX team_memberships_user_id_idx ON team_memberships (user_id);
