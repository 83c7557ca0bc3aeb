package com.deploystack.backend.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Small catalog and transaction helpers shared by setup and migrations. */
final class Catalog {

    private Catalog() {
    }

    /**
     * Whether {@code table} exists in the current schema. Reads pg_class with the statement's snapshot rather
     * than {@code to_regclass}, whose cache is not refreshed inside a transaction that waited for the
     * migration lock while another replica created the table.
     */
    static boolean tableExists(Connection connection, String table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE c.relname = ? AND n.nspname = current_schema())")) {
            statement.setString(1, table);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }
}
