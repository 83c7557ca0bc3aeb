package com.deploystack.backend.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.deploystack.backend.db.Migrator;
import com.deploystack.backend.settings.EncryptionKeys;
import com.deploystack.backend.settings.EncryptionSecret;
import com.deploystack.backend.settings.SettingDefinition;
import com.deploystack.backend.settings.SettingGroup;
import com.deploystack.backend.settings.SettingsCipher;
import com.deploystack.backend.settings.SettingsInitialization;
import com.deploystack.backend.support.CountingConnection;
import com.deploystack.backend.support.GeneratedDefinitions;
import com.deploystack.backend.support.TestPostgres;

/**
 * The "settings" initialization step on 10,000 generated definitions (100 groups, one in ten encrypted): time
 * and round trips of the first run (every row new) and of a later start (every row present), beside a baseline
 * measured in the same run: one existence query and one insert per key, as DeployStack does. See BENCHMARKS.md.
 */
public final class SettingsInitBenchmark {

    private static final int DEFINITIONS = 10_000;
    private static final int RUNS = 3;
    private static final EncryptionSecret SECRET = new EncryptionSecret(
            "benchmark-encryption-secret-0123".getBytes(StandardCharsets.UTF_8), false, "the benchmark");

    private record Figures(double millis, int roundTrips) {
    }

    private SettingsInitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<SettingGroup> groups = GeneratedDefinitions.of(DEFINITIONS);
        List<Figures> first = new ArrayList<>();
        List<Figures> again = new ArrayList<>();
        List<Figures> perKey = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            String database = migratedDatabase();
            EncryptionKeys keys = new EncryptionKeys(() -> SECRET);
            try (Connection connection = TestPostgres.get().connect(database)) {
                connection.setAutoCommit(false);
                keys.unlock(connection); // PBKDF2 (600,000 iterations) once per installation: not measured here
                connection.commit();
            }
            SettingsInitialization step = new SettingsInitialization(() -> groups, keys);
            first.add(measure(database, connection -> step.run(connection)));
            again.add(measure(database, connection -> step.run(connection)));
            SettingsCipher cipher;
            String baseline = migratedDatabase();
            try (Connection connection = TestPostgres.get().connect(baseline)) {
                connection.setAutoCommit(false);
                cipher = new EncryptionKeys(() -> SECRET).unlock(connection);
                connection.commit();
            }
            perKey.add(measure(baseline, connection -> perKeyInitialization(connection, groups, cipher)));
        }
        System.out.printf("PostgreSQL at %s:%d, %d definitions in %d groups, median of %d runs%n",
                          TestPostgres.get().host(), TestPostgres.get().port(), DEFINITIONS, groups.size(), RUNS);
        System.out.printf("%-44s %10s %12s%n", "what", "ms", "round trips");
        print("settings step, first run (all rows new)", first);
        print("settings step, later start (all rows exist)", again);
        print("baseline: query + insert per key", perKey);
        System.out.printf("ratio first run / baseline: %.3f%n", median(first).millis() / median(perKey).millis());
        System.exit(0);
    }

    private interface Work {
        void run(Connection connection) throws SQLException;
    }

    private static Figures measure(String database, Work work) throws SQLException {
        try (Connection connection = TestPostgres.get().connect(database)) {
            CountingConnection counting = CountingConnection.wrap(connection);
            counting.connection().setAutoCommit(false);
            long start = System.nanoTime();
            work.run(counting.connection());
            counting.connection().commit();
            return new Figures((System.nanoTime() - start) / 1e6, counting.statements());
        }
    }

    /** One existence query per key, then an insert when it is missing (groups likewise). */
    private static void perKeyInitialization(Connection connection, List<SettingGroup> groups, SettingsCipher cipher)
            throws SQLException {
        try (PreparedStatement groupExists = connection.prepareStatement("SELECT 1 FROM global_setting_groups WHERE id = ?");
             PreparedStatement insertGroup = connection.prepareStatement(
                     "INSERT INTO global_setting_groups (id, name, description, icon, sort_order) VALUES (?, ?, ?, ?, ?)");
             PreparedStatement settingExists = connection.prepareStatement("SELECT 1 FROM global_settings WHERE key = ?");
             PreparedStatement insertSetting = connection.prepareStatement(
                     "INSERT INTO global_settings (key, value, type, description, is_encrypted, group_id, name)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (SettingGroup group : groups) {
                if (!exists(groupExists, group.id())) {
                    insertGroup.setString(1, group.id());
                    insertGroup.setString(2, group.name());
                    insertGroup.setString(3, group.description());
                    insertGroup.setString(4, group.icon());
                    insertGroup.setInt(5, group.sortOrder());
                    insertGroup.executeUpdate();
                }
                for (SettingDefinition setting : group.settings()) {
                    if (exists(settingExists, setting.key())) {
                        continue;
                    }
                    String value = setting.encrypted() && setting.defaultValue() != null
                            ? cipher.encrypt(setting.key(), setting.defaultValue()) : setting.defaultValue();
                    insertSetting.setString(1, setting.key());
                    insertSetting.setString(2, value);
                    insertSetting.setString(3, setting.type().text());
                    insertSetting.setString(4, setting.description());
                    insertSetting.setBoolean(5, setting.encrypted());
                    insertSetting.setString(6, setting.groupId());
                    insertSetting.setString(7, setting.name());
                    insertSetting.executeUpdate();
                }
            }
        }
    }

    private static boolean exists(PreparedStatement query, String id) throws SQLException {
        query.setString(1, id);
        try (ResultSet rows = query.executeQuery()) {
            return rows.next();
        }
    }

    private static String migratedDatabase() throws SQLException {
        String database = TestPostgres.get().createDatabase("bench_settings");
        TestPostgres.get().migrate(database, Path.of("migrations"));
        return database;
    }

    private static Figures median(List<Figures> figures) {
        List<Figures> sorted = new ArrayList<>(figures);
        Collections.sort(sorted, (a, b) -> Double.compare(a.millis(), b.millis()));
        return sorted.get(sorted.size() / 2);
    }

    private static void print(String what, List<Figures> figures) {
        Figures median = median(figures);
        System.out.printf("%-44s %10.1f %12d%n", what, median.millis(), median.roundTrips());
    }
}
