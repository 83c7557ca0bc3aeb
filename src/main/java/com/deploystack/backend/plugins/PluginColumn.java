package com.deploystack.backend.plugins;

/**
 * A column with an explicit type, nullability and optional default expression (SQL, evaluated under
 * the plugin's role). Types are never guessed from names.
 */
public record PluginColumn(String name, ColumnType type, boolean nullable, boolean primaryKey, String defaultSql) {

    public PluginColumn {
        if (primaryKey && nullable) {
            throw new IllegalArgumentException("primary key column " + name + " cannot be nullable");
        }
        defaultSql = defaultSql == null ? "" : defaultSql.strip();
    }

    public static PluginColumn required(String name, ColumnType type) {
        return new PluginColumn(name, type, false, false, "");
    }

    public static PluginColumn optional(String name, ColumnType type) {
        return new PluginColumn(name, type, true, false, "");
    }

    public static PluginColumn primaryKey(String name, ColumnType type, String defaultSql) {
        return new PluginColumn(name, type, false, true, defaultSql);
    }

    public PluginColumn withDefault(String sql) {
        return new PluginColumn(name, type, nullable, primaryKey, sql);
    }
}
