package com.deploystack.backend.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.deploystack.backend.db.Rows;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/** Reads and writes {@code global_setting_groups} and {@code global_settings} for the settings routes. */
public final class SettingsService {

    /** A group with its settings, in display order. */
    public record Group(String id, String name, String description, String icon, int sortOrder,
                        List<StoredSetting> settings) {
    }

    private static final String SETTING_COLUMNS = "key, name, type, value, description, is_encrypted, group_id,"
                                                  + " created_at, updated_at";

    private final DbClient db;
    private final SettingsCipher cipher;

    public SettingsService(DbClient db, SettingsCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    /** Every group with its settings (settings in no group are left out), ordered by sort order, then id. */
    public List<Group> groups() {
        return groups(Optional.empty());
    }

    public Optional<Group> group(String id) {
        return groups(Optional.of(id)).stream().findFirst();
    }

    public Optional<StoredSetting> find(String key) {
        return db.execute().get("SELECT " + SETTING_COLUMNS + " FROM global_settings WHERE key = ?", key)
                .map(SettingsService::setting);
    }

    /** The value of {@code setting} in clear ("" for an empty encrypted one). */
    public String plaintext(StoredSetting setting) {
        return setting.plaintext(cipher);
    }

    /** Every setting, for the typed-access cache. */
    public List<StoredSetting> all() {
        try (Stream<DbRow> rows = db.execute().query("SELECT " + SETTING_COLUMNS + " FROM global_settings")) {
            return rows.map(SettingsService::setting).toList();
        }
    }

    /**
     * Stores {@code value} (the stored text of its type, or null to empty it), encrypting it when the setting
     * is encrypted; empty when there is no setting {@code key}.
     */
    public Optional<StoredSetting> update(StoredSetting setting, String value) {
        String stored = value;
        if (setting.encrypted()) {
            stored = value == null || value.isEmpty() ? null : cipher.encrypt(setting.key(), value);
        }
        return db.execute()
                .get("UPDATE global_settings SET value = ?, updated_at = now() WHERE key = ? RETURNING "
                     + SETTING_COLUMNS, stored, setting.key())
                .map(SettingsService::setting);
    }

    private List<Group> groups(Optional<String> only) {
        String where = only.isPresent() ? " WHERE id = ?" : "";
        Object[] parameters = only.map(id -> new Object[] {id}).orElse(new Object[0]);
        Map<String, DbRow> groupRows = new LinkedHashMap<>();
        try (Stream<DbRow> rows = db.execute().query("SELECT id, name, description, icon, sort_order"
                                                     + " FROM global_setting_groups" + where
                                                     + " ORDER BY sort_order, id", parameters)) {
            rows.forEach(row -> groupRows.put(Rows.text(row, "id"), row));
        }
        if (groupRows.isEmpty()) {
            return List.of();
        }
        Map<String, List<StoredSetting>> settings = new LinkedHashMap<>();
        groupRows.keySet().forEach(id -> settings.put(id, new ArrayList<>()));
        try (Stream<DbRow> rows = db.execute().query("SELECT " + SETTING_COLUMNS + " FROM global_settings"
                                                     + (only.isPresent() ? " WHERE group_id = ?" : "")
                                                     + " ORDER BY key", parameters)) {
            rows.map(SettingsService::setting)
                    .filter(setting -> settings.containsKey(setting.groupId()))
                    .forEach(setting -> settings.get(setting.groupId()).add(setting));
        }
        return groupRows.values().stream()
                .map(row -> new Group(Rows.text(row, "id"), Rows.text(row, "name"), Rows.text(row, "description"), Rows.text(row, "icon"),
                                      ((Number) row.column("sort_order").get()).intValue(),
                                      List.copyOf(settings.get(Rows.text(row, "id")))))
                .toList();
    }

    private static StoredSetting setting(DbRow row) {
        return new StoredSetting(Rows.text(row, "key"), Rows.text(row, "name"),
                                 SettingType.of(Rows.text(row, "type")).orElse(SettingType.STRING), Rows.text(row, "value"),
                                 Rows.text(row, "description"), (Boolean) row.column("is_encrypted").get(),
                                 Rows.text(row, "group_id"), Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }
}
