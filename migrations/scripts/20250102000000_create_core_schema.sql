-- // create core schema
-- DeployStack's core tables: users and roles, teams, projects, MCP servers and their installations,
-- OAuth clients and tokens, global settings, and the background job queue. Ids are text (UUIDs by
-- default), times are timestamptz, configuration and payloads are jsonb, lists are text[].

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

CREATE TABLE projects (
    id         TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT projects_name_not_blank CHECK (length(btrim(name)) > 0)
);
CREATE INDEX projects_created_at_idx ON projects (created_at, id);

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
    CONSTRAINT mcp_servers_slug_unique UNIQUE (slug),
    CONSTRAINT mcp_servers_transport_check CHECK (transport_type IN ('stdio', 'http', 'sse')),
    CONSTRAINT mcp_servers_visibility_check CHECK (visibility IN ('global', 'team'))
);
CREATE INDEX mcp_servers_owner_team_id_idx ON mcp_servers (owner_team_id);

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

CREATE TABLE queue_job_batches (
    id             TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    type           TEXT        NOT NULL,
    total_jobs     INTEGER     NOT NULL,
    completed_jobs INTEGER     NOT NULL DEFAULT 0,
    failed_jobs    INTEGER     NOT NULL DEFAULT 0,
    status         TEXT        NOT NULL DEFAULT 'pending',
    metadata       JSONB,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at   TIMESTAMPTZ,
    CONSTRAINT queue_job_batches_status_check CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    CONSTRAINT queue_job_batches_counts_check CHECK (total_jobs >= 0 AND completed_jobs >= 0 AND failed_jobs >= 0
                                                      AND completed_jobs + failed_jobs <= total_jobs)
);

CREATE TABLE queue_jobs (
    id            TEXT        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    type          TEXT        NOT NULL,
    payload       JSONB       NOT NULL DEFAULT '{}',
    status        TEXT        NOT NULL DEFAULT 'pending',
    scheduled_for TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts      INTEGER     NOT NULL DEFAULT 0,
    max_attempts  INTEGER     NOT NULL DEFAULT 3,
    error         TEXT,
    result        JSONB,
    batch_id      TEXT        REFERENCES queue_job_batches (id) ON DELETE CASCADE,
    locked_by     TEXT,
    started_at    TIMESTAMPTZ,
    completed_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT queue_jobs_status_check CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    CONSTRAINT queue_jobs_attempts_check CHECK (attempts >= 0 AND max_attempts > 0)
);
CREATE INDEX queue_jobs_due_idx ON queue_jobs (scheduled_for) WHERE status = 'pending';
CREATE INDEX queue_jobs_batch_id_idx ON queue_jobs (batch_id);

-- //@UNDO

DROP TABLE queue_jobs;
DROP TABLE queue_job_batches;
DROP TABLE global_settings;
DROP TABLE global_setting_groups;
DROP TABLE oauth_refresh_tokens;
DROP TABLE oauth_access_tokens;
DROP TABLE oauth_clients;
DROP TABLE mcp_server_installations;
DROP TABLE mcp_servers;
DROP TABLE projects;
DROP TABLE team_memberships;
DROP TABLE teams;
DROP TABLE users;
DROP TABLE roles;
