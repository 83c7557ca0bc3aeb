-- Declared schema (mcp.sql): the desired state, as plain PostgreSQL DDL.
-- MCP servers (the catalog) and their installations in teams.
-- Edit it, then run `migrate generate "<description>"` to write the migration script; `migrate check`
-- fails while the scripts do not produce it. Foreign keys may name tables of other files.

CREATE TABLE mcp_servers (
    id             TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name           TEXT        NOT NULL,
    slug           TEXT        NOT NULL,
    description    TEXT,
    language       TEXT,
    runtime        TEXT,
    transport_type TEXT        NOT NULL DEFAULT 'stdio',
    visibility     TEXT        NOT NULL DEFAULT 'team',
    tags           TEXT[]      NOT NULL DEFAULT '{}',
    default_config JSONB       NOT NULL DEFAULT '{}',
    owner_team_id  TEXT        REFERENCES teams (id) ON DELETE CASCADE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- full-text search (GET /api/mcp/servers?q=): name weighs most, then the tags, then the description
    search_vector  TSVECTOR    GENERATED ALWAYS AS (
                       setweight(to_tsvector('english', name), 'A')
                       || setweight(to_tsvector('english', array_to_tsvector(tags)::text), 'B')
                       || setweight(to_tsvector('english', coalesce(description, '')), 'C')) STORED,
    CONSTRAINT mcp_servers_slug_unique UNIQUE (slug),
    CONSTRAINT mcp_servers_transport_check CHECK (transport_type IN ('stdio', 'http', 'sse')),
    CONSTRAINT mcp_servers_visibility_check CHECK (visibility IN ('global', 'team'))
);
CREATE INDEX mcp_servers_owner_team_id_idx ON mcp_servers (owner_team_id);
CREATE INDEX mcp_servers_search_idx ON mcp_servers USING gin (search_vector);

CREATE TABLE mcp_server_installations (
    id                TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    team_id           TEXT        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    server_id         TEXT        NOT NULL REFERENCES mcp_servers (id) ON DELETE RESTRICT,
    installation_name TEXT        NOT NULL,
    installation_type TEXT        NOT NULL DEFAULT 'local',
    configuration     JSONB       NOT NULL DEFAULT '{}',
    created_by        TEXT        REFERENCES users (id) ON DELETE SET NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at      TIMESTAMPTZ,
    CONSTRAINT mcp_server_installations_name_unique UNIQUE (team_id, installation_name),
    CONSTRAINT mcp_server_installations_type_check CHECK (installation_type IN ('local', 'cloud')),
    CONSTRAINT mcp_server_installations_name_not_blank CHECK (length(btrim(installation_name)) > 0),
    CONSTRAINT mcp_server_installations_configuration_object CHECK (jsonb_typeof(configuration) = 'object')
);
CREATE INDEX mcp_server_installations_server_id_idx ON mcp_server_installations (server_id);
