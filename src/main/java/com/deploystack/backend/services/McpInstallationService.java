package com.deploystack.backend.services;

import java.util.List;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/** MCP server installations of a team; every operation is scoped to the team it names. */
public final class McpInstallationService {

    private final DbClient db;

    public McpInstallationService(DbClient db) {
        this.db = db;
    }

    public List<Installation> list(String teamId) {
        try (Stream<DbRow> rows = db.execute().query(
                "SELECT " + Installation.COLUMNS + " FROM mcp_server_installations WHERE team_id = ?"
                + " ORDER BY created_at, id", teamId)) {
            return rows.map(Installation::from).toList();
        }
    }

    /** Installs {@code serverId} in the team; {@code configuration} is a JSON object's text. */
    public Installation install(String teamId, String serverId, String name, String type, String configuration) {
        return db.execute()
                .get("INSERT INTO mcp_server_installations (team_id, server_id, installation_name, installation_type,"
                     + " configuration) VALUES (?, ?, ?, ?, ?::jsonb) RETURNING " + Installation.COLUMNS,
                     teamId, serverId, name, type, configuration)
                .map(Installation::from)
                .orElseThrow();
    }

    /** @return whether the installation existed in that team and was deleted */
    public boolean deleteInstallation(String id, String teamId) {
        return db.execute().delete("DELETE FROM mcp_server_installations WHERE id = ? AND team_id = ?", id, teamId) > 0;
    }
}
