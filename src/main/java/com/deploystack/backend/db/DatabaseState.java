package com.deploystack.backend.db;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * What the database says about setup: its setup marker, whether it has a changelog, and the newest script the
 * changelog records. Read at start, and every second or two by {@link ReplicaFollower}.
 */
record DatabaseState(boolean marker, boolean changelog, Optional<BigDecimal> newestApplied) {

    static DatabaseState read(Connection connection) throws SQLException {
        boolean changelog = Catalog.tableExists(connection, "changelog");
        Optional<BigDecimal> newest = Optional.empty();
        if (changelog) {
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT max(id) FROM changelog")) {
                row.next();
                newest = Optional.ofNullable(row.getBigDecimal(1));
            }
        }
        return new DatabaseState(SetupMarker.exists(connection), changelog, newest);
    }

    /** Neither marker nor changelog: an empty database, or not one DeployStack ever set up. */
    boolean empty() {
        return !marker && !changelog;
    }
}
