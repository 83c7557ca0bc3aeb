-- // create plugin registry
-- Plugin tables are created at run time, outside the core migrations. These tables record which
-- plugin tables exist with which definition, and which of a plugin's own migration steps have run.

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

-- //@UNDO

DROP TABLE plugin_migrations;
DROP TABLE plugin_tables;
