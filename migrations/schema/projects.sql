-- Declared schema (projects.sql): the desired state, as plain PostgreSQL DDL.
-- Projects.
-- Edit it, then run `migrate generate "<description>"` to write the migration script; `migrate check`
-- fails while the scripts do not produce it. Foreign keys may name tables of other files.

CREATE TABLE projects (
    id         TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT projects_name_not_blank CHECK (length(btrim(name)) > 0)
);
CREATE INDEX projects_created_at_idx ON projects (created_at, id);
