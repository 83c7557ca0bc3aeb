package com.deploystack.backend.plugins;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.postgresql.PGConnection;

/**
 * A plugin's own PostgreSQL login role. Its password is derived from the service's own password (HMAC),
 * so every replica knows it without storing it anywhere, and it is sent to PostgreSQL only as a SCRAM
 * verifier computed by the driver, never in clear in a statement.
 */
final class PluginRole {

    private PluginRole() {
    }

    /** Whether the service's database user may create roles (superuser or CREATEROLE). */
    static boolean canCreateRoles(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "SELECT rolsuper OR rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = current_user")) {
            return row.next() && row.getBoolean(1);
        }
    }

    /**
     * Creates the role when missing (PostgreSQL's defaults: no superuser, createdb, createrole, replication or
     * bypassrls, which a non-superuser {@code CREATEROLE} role, as on managed PostgreSQL, may not even name) with its
     * password, removes any such attribute an existing role was given, and makes the service a member that may act
     * as it to create tables. An existing role keeps its password: setting it costs a SCRAM verifier (4,096 rounds)
     * and a catalog write at every start of every replica; a password that no longer works (the service's changed)
     * is set again when the plugin's login is refused ({@link PluginSession#connectionProblem()}).
     */
    static void ensure(Connection connection, String role, String password) throws SQLException {
        String quoted = PluginNames.quote(role);
        Optional<List<String>> wrong = wrongAttributes(connection, role);
        try (Statement statement = connection.createStatement()) {
            if (wrong.isEmpty()) {
                statement.execute("CREATE ROLE " + quoted + " LOGIN");
                setPassword(connection, role, password);
            } else if (!wrong.get().isEmpty()) {
                try {
                    statement.execute("ALTER ROLE " + quoted + " " + String.join(" ", wrong.get()));
                } catch (SQLException e) {
                    throw new PluginSchemaException("The plugin role " + role + " has attributes a plugin must not"
                                                    + " have, and the service may not remove them ("
                                                    + e.getMessage() + "): run ALTER ROLE " + role + " "
                                                    + String.join(" ", wrong.get()) + " as a superuser");
                }
            }
            if (!mayActAs(connection, role)) {
                statement.execute("GRANT " + quoted + " TO CURRENT_USER");
            }
        }
    }

    /** Sets the role's password, sent as the SCRAM verifier the driver computes, never in clear in a statement. */
    static void setPassword(Connection connection, String role, String password) throws SQLException {
        connection.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), null);
    }

    /** Empty when the role does not exist; else the attributes to set so that it may only log in. */
    private static Optional<List<String>> wrongAttributes(Connection connection, String role) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin"
                + " FROM pg_catalog.pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                List<String> wrong = new ArrayList<>();
                String[] fixes = {"NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE", "NOREPLICATION", "NOBYPASSRLS"};
                for (int i = 0; i < fixes.length; i++) {
                    if (row.getBoolean(i + 1)) {
                        wrong.add(fixes[i]);
                    }
                }
                if (!row.getBoolean(6)) {
                    wrong.add("LOGIN");
                }
                return Optional.of(wrong);
            }
        }
    }

    /**
     * Whether the service may {@code SET ROLE} to {@code role}: a member of it (PostgreSQL 16 separates the right
     * to set a role, which a CREATEROLE creator does not get by default, from membership).
     */
    private static boolean mayActAs(Connection connection, String role) throws SQLException {
        String privilege = connection.getMetaData().getDatabaseMajorVersion() >= 16 ? "SET" : "MEMBER";
        try (PreparedStatement query = connection.prepareStatement("SELECT pg_catalog.pg_has_role(?, ?)")) {
            query.setString(1, role);
            query.setString(2, privilege);
            try (ResultSet row = query.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /** HMAC-SHA256(service password, role name): the same on every replica, useless without the service's. */
    static String password(String servicePassword, String role) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(servicePassword.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(("deploystack plugin role " + role)
                                                                .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
