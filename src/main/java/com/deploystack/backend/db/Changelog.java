package com.deploystack.backend.db;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code changelog} table, MyBatis Migrations' history, with the checksum this service adds. */
final class Changelog {

    /** A row: an applied script. A null checksum was written by the official tool. */
    record Entry(BigDecimal id, String appliedAt, String description, String checksum) {
    }

    private static final String TABLE = "changelog";

    private Changelog() {
    }

    /** Every applied script by id, in id order; empty before the changelog exists. */
    static Map<BigDecimal, Entry> read(Connection connection) throws SQLException {
        Map<BigDecimal, Entry> applied = new LinkedHashMap<>();
        if (!Catalog.tableExists(connection, TABLE)) {
            return applied;
        }
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT id, applied_at, description, checksum FROM " + TABLE + " ORDER BY id")) {
            while (rows.next()) {
                BigDecimal id = rows.getBigDecimal(1);
                applied.put(id, new Entry(id, rows.getString(2), rows.getString(3), rows.getString(4)));
            }
        }
        return applied;
    }

    static void record(Connection connection, Script script) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + TABLE + " (id, applied_at, description, checksum) VALUES (?, ?, ?, ?)")) {
            insert.setBigDecimal(1, script.id());
            insert.setString(2, appliedAtNow());
            insert.setString(3, script.description());
            insert.setString(4, script.checksum());
            insert.executeUpdate();
        }
    }

    static void remove(Connection connection, Script script) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?")) {
            delete.setBigDecimal(1, script.id());
            delete.executeUpdate();
        }
    }

    /** MyBatis's own format: {@code yyyy-MM-dd HH:mm:ss.S} in UTC. */
    private static String appliedAtNow() {
        return Timestamp.valueOf(LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS)).toString();
    }
}
