package com.deploystack.backend.plugins;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Creates and checks a plugin's tables inside the caller's transaction: creates missing tables (owned by
 * the plugin's role when there is one), runs pending migration steps, then compares every table with its
 * definition in PostgreSQL's catalog. A table that does not match is refused, never silently changed,
 * and a table no longer defined is kept.
 */
final class PluginSchema {

    private static final System.Logger LOG = System.getLogger(PluginSchema.class.getName());

    private PluginSchema() {
    }

    /** @param role the plugin's role, or null when plugins share the service's role */
    static void apply(Connection connection, Plugin plugin, String role) throws SQLException {
        Map<String, String> registered = registered(connection, plugin.id());
        for (PluginTable table : plugin.tables()) {
            String name = PluginNames.tableName(plugin.id(), table.name());
            if (columns(connection, name).isEmpty()) {
                create(connection, name, table, role);
                register(connection, plugin.id(), name, hash(table));
                LOG.log(System.Logger.Level.INFO, "Plugin " + plugin.id() + ": created table " + name);
            } else if (role != null) {
                adopt(connection, plugin.id(), name, role);
            }
        }
        migrate(connection, plugin, role);
        for (PluginTable table : plugin.tables()) {
            String name = PluginNames.tableName(plugin.id(), table.name());
            verify(connection, plugin.id(), name, table);
            if (!hash(table).equals(registered.get(name))) {
                register(connection, plugin.id(), name, hash(table));
            }
        }
        Set<String> defined = plugin.tables().stream()
                .map(table -> PluginNames.tableName(plugin.id(), table.name())).collect(Collectors.toSet());
        registered.keySet().stream().filter(name -> !defined.contains(name)).forEach(name -> LOG.log(
                System.Logger.Level.WARNING, "Plugin " + plugin.id() + " no longer defines table " + name
                                             + "; it is kept with its data (drop it by hand if it is not needed)"));
    }

    private static void create(Connection connection, String name, PluginTable table, String role)
            throws SQLException {
        List<String> parts = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (PluginColumn column : table.columns()) {
            parts.add(PluginNames.quote(column.name()) + " " + column.type().sql()
                      + (column.nullable() ? "" : " NOT NULL")
                      + (column.defaultSql().isEmpty() ? "" : " DEFAULT " + column.defaultSql()));
            if (column.primaryKey()) {
                keys.add(PluginNames.quote(column.name()));
            }
        }
        if (!keys.isEmpty()) {
            parts.add("PRIMARY KEY (" + String.join(", ", keys) + ")");
        }
        String ddl = "CREATE TABLE " + PluginNames.quote(name) + " (" + String.join(", ", parts) + ")";
        asRole(connection, role, ddl);
    }

    /**
     * Gives a table of the plugin that another role owns to the plugin's role: tables created under an earlier
     * role name (a release before per-installation roles, or a renamed database) stay usable by the plugin.
     */
    private static void adopt(Connection connection, String pluginId, String name, String role) throws SQLException {
        String owner;
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT tableowner FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?")) {
            query.setString(1, name);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next() || role.equals(owner = row.getString(1))) {
                    return;
                }
            }
        }
        try {
            // a new owner needs the right to create in the schema, granted for this statement only
            asRole(connection, role, null, "ALTER TABLE " + PluginNames.quote(name) + " OWNER TO " + PluginNames.quote(role));
        } catch (SQLException e) {
            throw new PluginSchemaException("Plugin '" + pluginId + "': table " + name + " belongs to the role "
                                            + owner + ", not to the plugin's role " + role + ", and the service may"
                                            + " not change that (" + e.getMessage() + "): run ALTER TABLE " + name
                                            + " OWNER TO " + role + " as a superuser or as " + owner);
        }
        LOG.log(System.Logger.Level.INFO, "Plugin " + pluginId + ": table " + name + " moved from role " + owner
                                          + " to the plugin's role " + role);
    }

    /**
     * Runs {@code sql} as the plugin's role (so that what it creates is the role's), with the right to create
     * objects in the schema granted for this statement only, inside the transaction: the role can never
     * create anything at another time. Without a role (prefix isolation) it runs as the service.
     */
    private static void asRole(Connection connection, String role, String sql) throws SQLException {
        asRole(connection, role, role, sql);
    }

    /**
     * Runs {@code sql} with the right to create in the schema granted to {@code role} for this statement only, as
     * {@code actingRole} (null: as the service itself).
     */
    private static void asRole(Connection connection, String role, String actingRole, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (role == null) {
                statement.execute(sql);
                return;
            }
            String schema = currentSchema(connection);
            statement.execute("GRANT CREATE ON SCHEMA " + schema + " TO " + PluginNames.quote(role));
            if (actingRole != null) {
                statement.execute("SET LOCAL ROLE " + PluginNames.quote(actingRole));
            }
            statement.execute(sql);
            if (actingRole != null) {
                statement.execute("RESET ROLE");
            }
            statement.execute("REVOKE CREATE ON SCHEMA " + schema + " FROM " + PluginNames.quote(role));
        }
    }

    private static void migrate(Connection connection, Plugin plugin, String role) throws SQLException {
        int applied;
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT coalesce(max(version), 0) FROM plugin_migrations WHERE plugin_id = ?")) {
            query.setString(1, plugin.id());
            try (ResultSet row = query.executeQuery()) {
                row.next();
                applied = row.getInt(1);
            }
        }
        List<PluginMigration> pending = plugin.migrations().stream()
                .filter(step -> step.version() > applied)
                .sorted(Comparator.comparingInt(PluginMigration::version))
                .toList();
        for (PluginMigration step : pending) {
            try {
                asRole(connection, role, step.sql());
            } catch (SQLException e) {
                throw new PluginSchemaException("Plugin '" + plugin.id() + "' migration step " + step.version() + " ("
                                                + step.description() + ") failed: " + e.getMessage());
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO plugin_migrations (plugin_id, version, description) VALUES (?, ?, ?)")) {
                insert.setString(1, plugin.id());
                insert.setInt(2, step.version());
                insert.setString(3, step.description());
                insert.executeUpdate();
            }
        }
    }

    private static void verify(Connection connection, String pluginId, String name, PluginTable table)
            throws SQLException {
        Map<String, String> actual = columns(connection, name);
        Map<String, String> expected = new LinkedHashMap<>();
        table.columns().forEach(column -> expected.put(column.name(), describe(column.type().sql(), !column.nullable())));
        if (!actual.equals(expected)) {
            throw new PluginSchemaException("Plugin '" + pluginId + "' table '" + name + "' does not match its"
                    + " definition (table has " + actual + ", definition has " + expected + "). Add a migration step"
                    + " to the plugin that changes the table, or restore the previous definition.");
        }
    }

    /** Column name → "type [not null]" as PostgreSQL's catalog has it; empty when the table does not exist. */
    private static Map<String, String> columns(Connection connection, String table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull"
                + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relname = ? AND n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attnum")) {
            query.setString(1, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.put(rows.getString(1), describe(rows.getString(2), rows.getBoolean(3)));
                }
            }
        }
        return columns;
    }

    private static String describe(String type, boolean notNull) {
        return notNull ? type + " not null" : type;
    }

    private static Map<String, String> registered(Connection connection, String pluginId) throws SQLException {
        Map<String, String> tables = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT table_name, schema_hash FROM plugin_tables WHERE plugin_id = ?")) {
            query.setString(1, pluginId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return tables;
    }

    private static void register(Connection connection, String pluginId, String table, String hash)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO plugin_tables (plugin_id, table_name, schema_hash) VALUES (?, ?, ?)"
                + " ON CONFLICT (plugin_id, table_name) DO UPDATE SET schema_hash = excluded.schema_hash,"
                + " applied_at = now()")) {
            upsert.setString(1, pluginId);
            upsert.setString(2, table);
            upsert.setString(3, hash);
            upsert.executeUpdate();
        }
    }

    private static String currentSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT quote_ident(current_schema())")) {
            row.next();
            return row.getString(1);
        }
    }

    static String hash(PluginTable table) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                                                    .digest(table.canonical().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
