package com.deploystack.backend.settings;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.deploystack.backend.db.InitializationStep;
import com.deploystack.backend.db.Step;
import com.deploystack.backend.json.JsonFactory;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * The "settings" initialization step: unlocks the encryption key, then inserts every group and every setting
 * of the definition modules with their defaults, in the caller's transaction. The number of round trips does
 * not depend on the number of definitions: the rows travel as one JSON parameter per table
 * ({@code jsonb_to_recordset}), and {@code ON CONFLICT DO NOTHING} keeps every existing row (and so every
 * value an admin set) as it is. Required settings still empty are reported in one log line.
 */
public final class SettingsInitialization implements InitializationStep {

    private static final System.Logger LOG = System.getLogger(SettingsInitialization.class.getName());
    private static final int LOGGED_KEYS = 50;

    private static final String INSERT_GROUPS = """
            INSERT INTO global_setting_groups (id, name, description, icon, sort_order)
            SELECT id, name, description, icon, sort_order
            FROM jsonb_to_recordset(?::jsonb) AS g(id text, name text, description text, icon text, sort_order integer)
            ON CONFLICT (id) DO NOTHING""";
    private static final String INSERT_SETTINGS = """
            INSERT INTO global_settings (key, value, type, description, is_encrypted, group_id, name)
            SELECT key, value, type, description, is_encrypted, group_id, name
            FROM jsonb_to_recordset(?::jsonb)
                AS s(key text, value text, type text, description text, is_encrypted boolean, group_id text, name text)
            ON CONFLICT (key) DO NOTHING""";
    private static final String EMPTY_REQUIRED = """
            SELECT key FROM global_settings WHERE key = ANY (?) AND coalesce(value, '') = '' ORDER BY key""";

    private final Supplier<List<SettingGroup>> definitions;
    private final EncryptionKeys keys;

    /** @param definitions read at every run, so that a fixed or upgraded module is picked up by a retry or restart */
    public SettingsInitialization(Supplier<List<SettingGroup>> definitions, EncryptionKeys keys) {
        this.definitions = definitions;
        this.keys = keys;
    }

    @Override
    public Step step() {
        return Step.SETTINGS;
    }

    /**
     * Starts deriving the key of a database that has one, unless that is done or under way, before the lock is
     * taken: PBKDF2 is the slow part of a catch-up. The migrations run meanwhile; {@link #run} waits for the key.
     */
    @Override
    public void prepare(DataSource dataSource) {
        keys.unlockAhead(dataSource);
    }

    @Override
    public void run(Connection connection) throws SQLException {
        List<SettingGroup> groups = definitions.get();
        SettingsCipher cipher = keys.unlock(connection);
        JsonArrayBuilder groupRows = JsonFactory.array();
        JsonArrayBuilder settingRows = JsonFactory.array();
        List<String> required = new ArrayList<>();
        for (SettingGroup group : groups) {
            groupRows.add(JsonFactory.object().add("id", group.id()).add("name", group.name())
                                  .add("description", nullable(group.description())).add("icon", nullable(group.icon()))
                                  .add("sort_order", group.sortOrder()));
            for (SettingDefinition setting : group.settings()) {
                settingRows.add(row(setting, cipher));
                if (setting.required()) {
                    required.add(setting.key());
                }
            }
        }
        int groupsAdded = update(connection, INSERT_GROUPS, groupRows.build().toString());
        int settingsAdded = update(connection, INSERT_SETTINGS, settingRows.build().toString());
        LOG.log(Level.INFO, "Global settings initialized: " + groups.size() + " groups (" + groupsAdded + " new), "
                            + groups.stream().mapToInt(group -> group.settings().size()).sum() + " settings ("
                            + settingsAdded + " new)");
        List<String> empty = emptyRequired(connection, required);
        if (!empty.isEmpty()) {
            String named = String.join(", ", empty.subList(0, Math.min(empty.size(), LOGGED_KEYS)));
            LOG.log(Level.WARNING, empty.size() + " required global setting" + (empty.size() == 1 ? " is" : "s are")
                                   + " empty: " + named + (empty.size() > LOGGED_KEYS ? ", …" : "")
                                   + ". Set them with PUT /api/settings/{key}.");
        }
    }

    private static JsonObjectBuilder row(SettingDefinition setting, SettingsCipher cipher) {
        String value = setting.defaultValue();
        if (setting.encrypted()) {
            value = value == null || value.isEmpty() ? null : cipher.encrypt(setting.key(), value);
        }
        return JsonFactory.object().add("key", setting.key()).add("value", nullable(value))
                .add("type", setting.type().text()).add("description", nullable(setting.description()))
                .add("is_encrypted", setting.encrypted()).add("group_id", setting.groupId())
                .add("name", setting.name());
    }

    private static JsonValue nullable(String text) {
        return text == null ? JsonValue.NULL : JsonFactory.value(text);
    }

    private static int update(Connection connection, String sql, String json) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, json);
            return statement.executeUpdate();
        }
    }

    private static List<String> emptyRequired(Connection connection, List<String> required) throws SQLException {
        if (required.isEmpty()) {
            return List.of();
        }
        List<String> empty = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(EMPTY_REQUIRED)) {
            statement.setArray(1, connection.createArrayOf("text", required.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    empty.add(rows.getString(1));
                }
            }
        }
        return empty;
    }
}
