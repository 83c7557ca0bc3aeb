package com.deploystack.backend.db.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;

/**
 * A rename the person states with {@code --rename}: {@code old=new} renames a table, {@code table.old=new} a column
 * of {@code table} (the table's name in the declared schema). Names are as written in SQL without quotes.
 */
public record Rename(String table, Optional<String> column, String to) {

    /** Parses {@code old=new} or {@code table.old=new}; the message of the exception says what is wrong. */
    public static Rename parse(String text) {
        String[] sides = text.split("=", -1);
        String usage = "--rename takes old_table=new_table or table.old_column=new_column, got '" + text + "'";
        if (sides.length != 2 || sides[1].isBlank() || sides[1].contains(".")) {
            throw new IllegalArgumentException(usage);
        }
        String[] names = sides[0].split("\\.", -1);
        if (names.length > 2 || Arrays.stream(names).anyMatch(String::isBlank)) {
            throw new IllegalArgumentException(usage);
        }
        return names.length == 1 ? new Rename(names[0].strip(), Optional.empty(), sides[1].strip())
                : new Rename(names[0].strip(), Optional.of(names[1].strip()), sides[1].strip());
    }

    /** The rename as a change, with the names quoted by PostgreSQL ({@code quote_ident}). */
    public Change change(Connection connection) throws SQLException {
        return column.isEmpty() ? new Change.RenameTable(quote(connection, table), quote(connection, to))
                : new Change.RenameColumn(quote(connection, table), quote(connection, column.get()), quote(connection, to));
    }

    /** The change that undoes {@link #change}. */
    public Change inverse(Connection connection) throws SQLException {
        return column.isEmpty() ? new Change.RenameTable(quote(connection, to), quote(connection, table))
                : new Change.RenameColumn(quote(connection, table), quote(connection, to), quote(connection, column.get()));
    }

    @Override
    public String toString() {
        return table + column.map(name -> "." + name).orElse("") + "=" + to;
    }

    private static String quote(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT quote_ident(?)")) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }
}
