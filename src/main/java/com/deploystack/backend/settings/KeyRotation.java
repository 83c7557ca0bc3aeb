package com.deploystack.backend.settings;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import com.deploystack.backend.db.ConnectionSource;
import com.deploystack.backend.db.MigrationLock;

/**
 * {@code settings rotate-key}: re-encrypts every encrypted setting under a key derived from a new secret, in
 * one transaction under the migration lock (so no setup or start-up initialization runs meanwhile). Every
 * value is decrypted with the current key first: one that fails stops the rotation and nothing changes.
 */
public final class KeyRotation {

    /** What a rotation did. */
    public record Result(String oldKeyId, String newKeyId, int values) {
    }

    private KeyRotation() {
    }

    public static Result rotate(ConnectionSource connections, MigrationLock.Waits waits, EncryptionSecret current,
                                EncryptionSecret next) throws SQLException {
        try (Connection holder = connections.open();
             MigrationLock lock = MigrationLock.acquire(holder, waits);
             Connection work = connections.open()) {
            return lock.inTransaction(work, connection -> reencrypt(connection, current, next));
        }
    }

    private static Result reencrypt(Connection connection, EncryptionSecret current, EncryptionSecret next)
            throws SQLException {
        EncryptionKeys.KeyRecord active = EncryptionKeys.active(connection, true).orElseThrow(
                () -> new SettingsEncryptionException("This database has no settings encryption key yet:"
                                                      + " perform setup first."));
        SettingsCipher oldCipher = EncryptionKeys.open(active, current);
        List<String> keys = new ArrayList<>();
        List<String> plaintexts = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT key, value FROM global_settings WHERE is_encrypted AND coalesce(value, '') <> ''"
                + " ORDER BY key FOR UPDATE");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                keys.add(rows.getString(1));
                plaintexts.add(oldCipher.decrypt(rows.getString(1), rows.getString(2)));
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE global_settings_keys SET active = FALSE WHERE active")) {
            statement.executeUpdate();
        }
        EncryptionKeys.CreatedKey created = EncryptionKeys.create(connection, next);
        SettingsCipher newCipher = created.cipher();
        String[] values = new String[keys.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = newCipher.encrypt(keys.get(i), plaintexts.get(i));
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "UPDATE global_settings s SET value = u.value, updated_at = now()"
                + " FROM unnest(?::text[], ?::text[]) AS u(key, value) WHERE s.key = u.key")) {
            statement.setArray(1, connection.createArrayOf("text", keys.toArray()));
            statement.setArray(2, connection.createArrayOf("text", values));
            statement.executeUpdate();
        }
        return new Result(active.keyId(), created.record().keyId(), values.length);
    }
}
