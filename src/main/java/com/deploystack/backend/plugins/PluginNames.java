package com.deploystack.backend.plugins;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks plugin ids and table and column names, and quotes them; nothing unchecked reaches SQL. */
final class PluginNames {

    static final int MAX_ID = 20;
    static final int MAX_NAME = 40;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private PluginNames() {
    }

    /** Validates the whole plugin: id, every table and column name, duplicates, migration versions. */
    static void validate(Plugin plugin) {
        String id = plugin.id();
        check("plugin id", id, MAX_ID, id);
        Set<String> tables = new HashSet<>();
        for (PluginTable table : plugin.tables()) {
            check("table name", table.name(), MAX_NAME, id);
            if (!tables.add(table.name())) {
                throw new PluginDefinitionException("Plugin '" + id + "' defines table '" + table.name() + "' twice");
            }
            if (table.columns().isEmpty()) {
                throw new PluginDefinitionException("Plugin '" + id + "' table '" + table.name() + "' has no columns");
            }
            Set<String> columns = new HashSet<>();
            for (PluginColumn column : table.columns()) {
                check("column name", column.name(), MAX_NAME, id);
                if (column.type() == null) {
                    throw new PluginDefinitionException("Plugin '" + id + "' column '" + column.name()
                                                        + "' has no type");
                }
                if (!columns.add(column.name())) {
                    throw new PluginDefinitionException("Plugin '" + id + "' table '" + table.name()
                                                        + "' defines column '" + column.name() + "' twice");
                }
            }
        }
        Set<Integer> versions = new HashSet<>();
        for (PluginMigration migration : plugin.migrations()) {
            if (!versions.add(migration.version())) {
                throw new PluginDefinitionException("Plugin '" + id + "' has two migration steps with version "
                                                    + migration.version());
            }
        }
    }

    /** The job type {@code <id>.<name>} of one of the plugin's background jobs. */
    static String jobType(String pluginId, String name) {
        check("job name", name, MAX_NAME, pluginId);
        return pluginId + "." + name;
    }

    static String tableName(String pluginId, String table) {
        return pluginId + "_" + table;
    }

    /**
     * The plugin's role for the installation on {@code database}: roles are cluster-wide, databases are unique in
     * a cluster, so two installations on one cluster (one database each) never share a role.
     * {@code dsp_<10 hex of SHA-256(database)>_<plugin id>}: at most 35 characters, within PostgreSQL's 63.
     */
    static String role(String database, String pluginId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(database.getBytes(StandardCharsets.UTF_8));
            return "dsp_" + HexFormat.of().formatHex(digest, 0, 5) + "_" + pluginId;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A checked name in double quotes (checked names hold no quote, so this is plain wrapping). */
    static String quote(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new PluginDefinitionException("Refusing to quote unchecked name '" + name + "'");
        }
        return "\"" + name + "\"";
    }

    private static void check(String what, String value, int maxLength, String pluginId) {
        if (value == null || value.length() > maxLength || !NAME.matcher(value).matches()) {
            throw new PluginDefinitionException("Plugin '" + pluginId + "': invalid " + what + " '" + value
                    + "' (lowercase letters, digits and underscores, starting with a letter, at most " + maxLength
                    + " characters)");
        }
    }
}
