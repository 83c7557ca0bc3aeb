package com.deploystack.backend.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;

/** The row in {@code deploystack_setup} that says setup was performed on this database. */
final class SetupMarker {

    private SetupMarker() {
    }

    static boolean exists(Connection connection) throws SQLException {
        if (!Catalog.tableExists(connection, "deploystack_setup")) {
            return false;
        }
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM deploystack_setup)")) {
            row.next();
            return row.getBoolean(1);
        }
    }

    /** Records setup; keeps an existing marker as it is. */
    static void record(Connection connection, Instant selectedAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO deploystack_setup (database_type, selected_at, version) VALUES (?, ?, ?)"
                + " ON CONFLICT (singleton) DO NOTHING")) {
            insert.setString(1, SelectionFile.TYPE);
            insert.setTimestamp(2, Timestamp.from(selectedAt));
            insert.setString(3, SelectionFile.VERSION);
            insert.executeUpdate();
        }
    }
}
