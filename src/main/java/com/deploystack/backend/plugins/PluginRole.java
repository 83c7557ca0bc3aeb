package com.deploystack.backend.plugins;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

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

    /** Creates the role when missing, (re)sets its password, and lets the service act as it to create tables. */
    static void ensure(Connection connection, String role, String password) throws SQLException {
        boolean exists;
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet row = query.executeQuery()) {
                exists = row.next();
            }
        }
        try (Statement statement = connection.createStatement()) {
            if (!exists) {
                statement.execute("CREATE ROLE " + PluginNames.quote(role) + " LOGIN");
            }
            statement.execute("ALTER ROLE " + PluginNames.quote(role)
                              + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
            statement.execute("GRANT " + PluginNames.quote(role) + " TO CURRENT_USER");
        }
        connection.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), null);
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
