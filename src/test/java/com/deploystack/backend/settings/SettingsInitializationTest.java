package com.deploystack.backend.settings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.deploystack.backend.support.CountingConnection;
import com.deploystack.backend.support.GeneratedDefinitions;
import com.deploystack.backend.support.LogCapture;
import com.deploystack.backend.support.TestPostgres;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** The "settings" initialization step on a real PostgreSQL, called as setup calls it: in a transaction. */
class SettingsInitializationTest {

    private static final EncryptionSecret SECRET = new EncryptionSecret(
            "initialization-test-secret-0123".getBytes(StandardCharsets.UTF_8), false, "the test");

    static {
        LogCapture.install();
    }

    /** A fresh database with every migration applied. */
    private static String migratedDatabase() throws SQLException {
        String database = TestPostgres.get().createDatabase("settings_init");
        TestPostgres.get().migrate(database, Path.of("migrations"));
        return database;
    }

    private static void initialize(String database, List<SettingGroup> groups, EncryptionKeys keys) throws SQLException {
        try (Connection connection = TestPostgres.get().connect(database)) {
            run(connection, groups, keys);
        }
    }

    private static void run(Connection connection, List<SettingGroup> groups, EncryptionKeys keys) throws SQLException {
        connection.setAutoCommit(false);
        new SettingsInitialization(() -> groups, keys).run(connection);
        connection.commit();
    }

    private static List<String> rows(String database) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            for (String query : List.of("SELECT g.*::text FROM global_setting_groups g ORDER BY id",
                                        "SELECT s.*::text FROM global_settings s ORDER BY key",
                                        "SELECT k.*::text FROM global_settings_keys k ORDER BY key_id")) {
                try (ResultSet result = statement.executeQuery(query)) {
                    while (result.next()) {
                        rows.add(result.getString(1));
                    }
                }
            }
        }
        return rows;
    }

    private static String value(String database, String key) throws SQLException {
        try (Connection connection = TestPostgres.get().connect(database);
             var statement = connection.prepareStatement("SELECT value FROM global_settings WHERE key = ?")) {
            statement.setString(1, key);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getString(1) : "<no row>";
            }
        }
    }

    @Test
    void initializingTwiceLeavesTheSameRows() throws Exception {
        String database = migratedDatabase();
        List<SettingGroup> shipped = DefinitionModules.load(Path.of("config/global-settings"));
        initialize(database, shipped, new EncryptionKeys(() -> SECRET));
        List<String> first = rows(database);
        assertThat(first.size(), is(7 + 34 + 1));
        initialize(database, shipped, new EncryptionKeys(() -> SECRET));
        assertThat(rows(database), is(first));
        assertThat(value(database, "smtp.port"), is("587"));
        assertThat(value(database, "global.enable_login"), is("true"));
    }

    @Test
    void aValueChangedByTheAdminIsNeverOverwrittenAndALaterDefinitionAppears() throws Exception {
        String database = migratedDatabase();
        List<SettingGroup> version1 = GeneratedDefinitions.of(30);
        EncryptionKeys keys = new EncryptionKeys(() -> SECRET);
        initialize(database, version1, keys);
        TestPostgres.get().execute(database, "UPDATE global_settings SET value = 'changed by the admin' WHERE key = 'generated-0.setting_3'");
        TestPostgres.get().execute(database, "UPDATE global_settings SET value = NULL WHERE key = 'generated-0.setting_6'");

        List<SettingGroup> version2 = GeneratedDefinitions.of(150);
        initialize(database, version2, keys);
        assertThat(value(database, "generated-0.setting_3"), is("changed by the admin"));
        assertThat(value(database, "generated-0.setting_6"), is((String) null));
        assertThat(value(database, "generated-0.setting_99"), is("text 99"));
        assertThat(value(database, "generated-1.setting_149"), is("false"));
        assertThat(rows(database), hasItem(startsWith("(generated-1,\"Generated 1\"")));
    }

    @Test
    void theNumberOfStatementsDoesNotGrowWithTheNumberOfDefinitions() throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (int definitions : List.of(10, 1_000, 5_000)) {
            String database = migratedDatabase();
            EncryptionKeys keys = new EncryptionKeys(() -> SECRET);
            for (int run = 0; run < 2; run++) {
                try (Connection connection = TestPostgres.get().connect(database)) {
                    CountingConnection counting = CountingConnection.wrap(connection);
                    run(counting.connection(), GeneratedDefinitions.of(definitions), keys);
                    counts.add(counting.statements());
                }
            }
            try (Connection connection = TestPostgres.get().connect(database);
                 Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT count(*) FROM global_settings")) {
                result.next();
                assertThat(result.getInt(1), is(definitions));
            }
        }
        // first run: key lookup, key insert, groups, settings, empty required, commit; later runs: no key insert
        assertThat(counts, is(List.of(6, 5, 6, 5, 6, 5)));
    }

    @Test
    void encryptedDefaultsAreStoredEncryptedAndRequiredEmptySettingsAreReportedInOneLine() throws Exception {
        String database = migratedDatabase();
        int linesBefore = LogCapture.install().lines().size();
        initialize(database, DefinitionModules.load(Path.of("config/global-settings")), new EncryptionKeys(() -> SECRET));
        List<String> lines = LogCapture.install().lines();
        List<String> reports = lines.subList(linesBefore, lines.size()).stream()
                .filter(line -> line.contains("required global setting")).toList();
        assertThat(reports, hasSize(1));
        assertThat(reports.getFirst(), containsString("3 required global settings are empty: smtp.host, smtp.password,"
                                                      + " smtp.username"));

        initialize(database, GeneratedDefinitions.of(20), new EncryptionKeys(() -> SECRET));
        String stored = value(database, "generated-0.setting_10");
        assertThat(stored, startsWith("v1:"));
        assertThat(stored, not(containsString("secret-10")));
    }
}
