package com.deploystack.backend.services;

import java.util.Optional;

import io.helidon.dbclient.DbClient;

/** Teams; every write reports what the driver's affected-row count says. */
public final class TeamService {

    private final DbClient db;

    public TeamService(DbClient db) {
        this.db = db;
    }

    public Team create(String name, String slug, String description) {
        return db.execute()
                .get("INSERT INTO teams (name, slug, description) VALUES (?, ?, ?) RETURNING " + Team.COLUMNS,
                     name, slug, description)
                .map(Team::from)
                .orElseThrow();
    }

    public Optional<Team> find(String id) {
        return db.execute().get("SELECT " + Team.COLUMNS + " FROM teams WHERE id = ?", id).map(Team::from);
    }

    /** @return whether a team with {@code id} existed and was renamed */
    public boolean updateTeamName(String id, String name) {
        return db.execute().update("UPDATE teams SET name = ?, updated_at = now() WHERE id = ?", name, id) > 0;
    }

    /** @return whether a team with {@code id} existed and was deleted (with its memberships and installations) */
    public boolean delete(String id) {
        return db.execute().delete("DELETE FROM teams WHERE id = ?", id) > 0;
    }

    public boolean exists(String id) {
        return db.execute().get("SELECT 1 FROM teams WHERE id = ?", id).isPresent();
    }
}
