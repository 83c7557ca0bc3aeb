package com.deploystack.backend.db;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import io.helidon.dbclient.DbRow;

/** Reading typed values out of Helidon DbClient rows. */
public final class Rows {

    private Rows() {
    }

    /** The column's value, or null for SQL NULL (DbColumn.get() throws on NULL). */
    private static Object value(DbRow row, String column) {
        return row.column(column).asOptional().orElse(null);
    }

    public static String text(DbRow row, String column) {
        Object value = value(row, column);
        return value == null ? null : value.toString();
    }

    public static Optional<String> optionalText(DbRow row, String column) {
        return Optional.ofNullable(text(row, column));
    }

    public static int integer(DbRow row, String column) {
        return ((Number) row.column(column).get()).intValue();
    }

    public static Instant instant(DbRow row, String column) {
        Object value = value(row, column);
        return switch (value) {
            case null -> null;
            case Timestamp timestamp -> timestamp.toInstant();
            case OffsetDateTime offset -> offset.toInstant();
            case Instant instant -> instant;
            default -> Instant.parse(value.toString());
        };
    }
}
