package com.deploystack.backend.services;

import java.util.List;
import java.util.stream.Stream;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/** Projects, the spec's example of a new table. */
public final class ProjectService {

    private final DbClient db;

    public ProjectService(DbClient db) {
        this.db = db;
    }

    public List<Project> list(int limit) {
        try (Stream<DbRow> rows = db.execute().query(
                "SELECT " + Project.COLUMNS + " FROM projects ORDER BY created_at, id LIMIT ?", limit)) {
            return rows.map(Project::from).toList();
        }
    }

    public Project create(String name) {
        return db.execute()
                .get("INSERT INTO projects (name) VALUES (?) RETURNING " + Project.COLUMNS, name)
                .map(Project::from)
                .orElseThrow();
    }
}
