-- Declared schema (plugins.sql): the desired state, as plain PostgreSQL DDL.
-- The plugin registry: which run-time plugin tables exist with which
-- definition, and which plugin migration steps have run. The plugins' own tables are not declared here.
-- Edit it, then run `migrate generate "<description>"` to write the migration script; `migrate check`
-- fails while the scripts do not produce it. Foreign keys may name tables of other files.

CREATE TABLE plugin_tables (
    plugin_id   TEXT        NOT NULL,
    table_name  TEXT        NOT NULL,
    schema_hash TEXT        NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT pk_plugin_tables PRIMARY KEY (plugin_id, table_name),
    CONSTRAINT plugin_tables_name_unique UNIQUE (table_name)
);

CREATE TABLE plugin_migrations (
    plugin_id   TEXT        NOT NULL,
    version     INTEGER     NOT NULL,
    description TEXT        NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT pk_plugin_migrations PRIMARY KEY (plugin_id, version)
);
