package com.deploystack.backend.plugins;

import java.util.List;

/** A plugin table: its name without the plugin prefix, and its columns. */
public record PluginTable(String name, List<PluginColumn> columns) {

    public PluginTable {
        columns = List.copyOf(columns);
    }

    /** A stable digest of the definition, recorded in {@code plugin_tables.schema_hash}. */
    String canonical() {
        StringBuilder text = new StringBuilder(name);
        for (PluginColumn column : columns) {
            text.append('|').append(column.name()).append(':').append(column.type().sql())
                    .append(column.nullable() ? ":null" : ":not null")
                    .append(column.primaryKey() ? ":pk" : "")
                    .append(column.defaultSql().isEmpty() ? "" : ":default " + column.defaultSql());
        }
        return text.toString();
    }
}
