package com.deploystack.backend.plugins;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PluginsTest {

    private static final String TOKEN = "plugin-test-token";
    private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;
    private String database;
    private Map<String, String> env;
    private TestService service;

    @BeforeEach
    void freshDatabase() {
        database = TestPostgres.get().createDatabase("plugins");
        env = new HashMap<>(TestPostgres.get().environment(database));
        env.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        TestPlugins.Changing.COLUMNS.set(TestPlugins.Changing.FIRST);
        TestPlugins.Changing.MIGRATIONS.set(List.of());
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private TestService start(String enabled, String isolation) {
        if (service != null) {
            service.close();
        }
        service = TestService.start(env, data, Path.of("migrations"),
                                    Map.of("plugins.enabled", enabled, "plugins.isolation", isolation));
        return service;
    }

    @Test
    void pluginTablesExistAfterSetupAndAfterARestartPrefixedOwnedByThePluginRoleAndRegistered() throws Exception {
        start("notes,other", "role");
        assertThat(service.setup().status(), is(200));
        assertTable("notes_items", role("notes"));
        assertTable("other_things", role("other"));
        assertThat(query("SELECT count(*) FROM plugin_tables WHERE table_name IN ('notes_items', 'other_things')"),
                   is("2"));
        JsonObject plugins = service.status().getJsonObject("plugins");
        assertThat(plugins.getString("isolation"), is("role"));
        assertThat(plugins.getJsonArray("enabled").size(), is(2));

        start("notes,other", "role").awaitPhase("INITIALIZED", WAIT);
        assertTable("notes_items", role("notes"));
        assertThat(query("SELECT count(*) FROM plugin_tables"), is("2"));
        assertThat("the role may create nothing once its tables exist",
                   query("SELECT has_schema_privilege('" + role("notes") + "', 'public', 'CREATE')"), is("f"));
    }

    @Test
    void aPluginWithAnInvalidIdIsRefusedBeforeAnySqlRuns() throws Exception {
        start("bad-id,notes", "role");
        JsonObject plugins = service.status().getJsonObject("plugins");
        assertThat(plugins.getJsonArray("refused").getString(0), containsString("invalid plugin id 'bad-id'"));
        assertThat(plugins.getJsonArray("enabled").getString(0), is("notes"));
        assertThat(service.setup().status(), is(200));
        // roles are cluster-wide and dsp_<10 hex>_<plugin id>: match the id, not "bad" within another role's hex
        assertThat(query("SELECT count(*) FROM pg_roles WHERE rolname ~ '^dsp_[0-9a-f]{10}_bad'"), is("0"));
        assertThat(query("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'bad%'"), is("0"));
    }

    @Test
    void underThePluginsRoleCoreTablesAndAnotherPluginsTablesAreRefusedByPostgres() {
        start("notes,other", "role");
        assertThat(service.setup().status(), is(200));
        PluginContext notes = TestPlugins.Notes.CONTEXT.get();
        assertThat(notes.inTransaction(connection -> execute(connection,
                "INSERT INTO notes_items (body, tags) VALUES ('mine', '{a,b}')")), is(1));
        List<String> forbidden = List.of(
                "SELECT * FROM users",
                "SELECT * FROM global_settings",
                "INSERT INTO users (username, email, role_id) VALUES ('x', 'x@x', 'r')",
                "DELETE FROM changelog",
                "SELECT * FROM other_things",
                "INSERT INTO other_things VALUES ('x')",
                "DROP TABLE other_things",
                "DROP TABLE users",
                "CREATE TABLE sneaky (id int)",
                "RESET ROLE; SELECT * FROM users",
                "SET ROLE postgres");
        for (String sql : forbidden) {
            RuntimeException refused = assertThrows(RuntimeException.class,
                                                    () -> notes.inTransaction(connection -> execute(connection, sql)), sql);
            assertThat(sql, sqlState(refused), is("42501"));
        }
        assertThat(notes.table("items"), is("notes_items"));
    }

    @Test
    void aChangedDefinitionWithoutAMigrationStepIsRefusedAndWithOneItApplies() throws Exception {
        start("changing", "role");
        assertThat(service.setup().status(), is(200));

        TestPlugins.Changing.COLUMNS.set(List.of(PluginColumn.required("name", ColumnType.TEXT),
                                                 PluginColumn.optional("note", ColumnType.TEXT)));
        JsonObject failed = start("changing", "role").awaitPhase("FAILED", WAIT);
        assertThat(failed.getString("error"), containsString("Plugin 'changing' table 'changing_records' does not"
                                                             + " match its definition"));
        assertThat(query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'changing_records'"),
                   is("1"));

        TestPlugins.Changing.MIGRATIONS.set(List.of(new PluginMigration(1, "add note",
                "ALTER TABLE changing_records ADD COLUMN note text")));
        start("changing", "role").awaitPhase("INITIALIZED", WAIT);
        assertThat(query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'changing_records'"),
                   is("2"));
        assertThat(query("SELECT description FROM plugin_migrations WHERE plugin_id = 'changing'"), is("add note"));
    }

    @Test
    void theAuditPluginRecordsSetupAndServesItsRouteBehindTheAdminToken() {
        start("audit", "role");
        assertThat(service.request("GET", "/api/plugin/audit/events", null).status(), is(401));
        assertThat(service.request("GET", "/api/plugin/audit/events", null, AUTH).status(), is(503));
        assertThat(service.setup().status(), is(200));
        TestService.Response events = service.request("GET", "/api/plugin/audit/events", null, AUTH);
        assertThat(events.status(), is(200));
        assertThat(events.json().getJsonArray("data").getJsonObject(0).getString("event"), is("database.setup"));
        assertThat(service.request("GET", "/api/plugin/audit/events", null, "Authorization", "Bearer nope").status(),
                   is(401));
    }

    @Test
    void pluginSettingsJoinTheGlobalSettingsAndTheCoreWins() throws Exception {
        start("notes,other,smtp", "role");
        assertThat(service.setup().status(), is(200));
        assertThat(query("SELECT value || ' ' || group_id FROM global_settings WHERE key = 'notes.color'"),
                   is("blue notes"));
        assertThat(query("SELECT value || ' ' || group_id FROM global_settings WHERE key = 'other.color'"),
                   is("red other"));
        assertThat("the core's encrypted smtp.password is kept", query(
                "SELECT is_encrypted AND value IS NULL FROM global_settings WHERE key = 'smtp.password'"), is("t"));
        assertThat(query("SELECT value FROM global_settings WHERE key = 'smtp.relay'"), is("mx"));
        assertThat(query("SELECT count(*) FROM global_setting_groups WHERE id IN ('notes', 'other')"), is("2"));
        assertThat(query("SELECT group_id FROM global_settings WHERE key = 'global.page_url'"), is("global"));
        assertThat(query("SELECT coalesce(value, '') FROM global_settings WHERE key = 'global.page_url'"),
                   Matchers.not("http://evil"));
        assertThat(TestPlugins.Notes.CONTEXT.get().setting("color"), is("blue"));
        List<String> logs = TestService.logs();
        assertThat(logs.stream().anyMatch(line -> line.contains("global.page_url is outside its namespace")), is(true));
        assertThat(logs.stream().anyMatch(line -> line.contains("Plugin smtp: setting smtp.password is already defined")),
                   is(true));
    }

    @Test
    void theAuditPluginSignsEventsWithItsEncryptedSettingAndDetectsTampering() throws Exception {
        start("audit", "role");
        assertThat(service.setup().status(), is(200));
        String key = "audit-signing-key-do-not-leak";
        TestService.Response put = service.request("PUT", "/api/settings/audit.signing_key",
                                                   "{\"value\":\"" + key + "\"}", AUTH);
        assertThat(put.body(), put.status(), is(200));
        assertThat(query("SELECT value LIKE 'v1:%' AND position('" + key + "' in value) = 0 FROM global_settings"
                         + " WHERE key = 'audit.signing_key'"), is("t"));

        JsonArray events = service.request("GET", "/api/plugin/audit/events", null, AUTH).json()
                .getJsonArray("data");
        JsonObject change = events.getJsonObject(0);
        assertThat(change.getString("event"), is("setting.changed"));
        assertThat(change.getJsonObject("detail").getString("key"), is("audit.signing_key"));
        assertThat(change.getBoolean("signed"), is(true));
        assertThat(change.getBoolean("verified"), is(true));
        assertThat("setup happened before the key was set", events.getJsonObject(1).getBoolean("signed"), is(false));

        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("UPDATE audit_events SET detail = '{\"key\": \"global.page_url\"}'"
                              + " WHERE event = 'setting.changed'");
        }
        JsonObject tampered = service.request("GET", "/api/plugin/audit/events", null, AUTH).json()
                .getJsonArray("data").getJsonObject(0);
        assertThat(tampered.getBoolean("verified"), is(false));
        for (String line : TestService.logs()) {
            assertThat(line.contains(key), is(false));
        }
    }

    @Test
    void aPluginThatFailsToStartLeavesSetupDoneButAsksForARestart() {
        start("failing_hook", "role");
        TestService.Response setup = service.setup();
        assertThat(setup.status(), is(200));
        assertThat(setup.body(), is("{\"message\":\"Database setup successful, but some services may require a server"
                                    + " restart to function properly.\",\"restart_required\":true,"
                                    + "\"database_type\":\"postgresql\"}"));
        assertThat(service.status().getBoolean("initialized"), is(true));
        assertThat(service.setup().status(), is(409));
    }

    @Test
    void prefixIsolationIsAnExplicitOptInThatTheStatusShows() throws Exception {
        start("notes", "prefix");
        assertThat(service.setup().status(), is(200));
        assertThat(service.status().getJsonObject("plugins").getString("isolation"), is("prefix"));
        assertThat(query("SELECT tableowner FROM pg_tables WHERE tablename = 'notes_items'"), is("postgres"));
    }

    @Test
    void withoutTheRightToCreateRolesPluginsAreDisabledAndTheStatusSaysSo() throws Exception {
        try (Connection connection = TestPostgres.get().connect("postgres");
             Statement statement = connection.createStatement()) {
            statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'limited_owner')"
                              + " THEN CREATE ROLE limited_owner LOGIN PASSWORD '" + TestPostgres.PASSWORD + "'; END IF; END $$");
            statement.execute("ALTER DATABASE " + database + " OWNER TO limited_owner");
        }
        env.put("POSTGRES_USER", "limited_owner");
        start("notes", "role");
        assertThat(service.setup().status(), is(200));
        assertThat(service.status().getJsonObject("plugins").getString("isolation"), is("disabled"));
        assertThat(query("SELECT count(*) FROM pg_tables WHERE tablename = 'notes_items'"), is("0"));
        assertThat(TestService.logs().stream().anyMatch(line -> line.contains("Plugins are disabled")), is(true));
    }

    @Test
    void aCreateroleAdminThatIsNotASuperuserSetsUpWithPluginRolesAsOnManagedPostgres() throws Exception {
        String admin = "managed_admin_" + database;
        try (Connection connection = TestPostgres.get().connect("postgres");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + admin + " LOGIN CREATEROLE PASSWORD '" + TestPostgres.PASSWORD + "'");
            statement.execute("ALTER DATABASE " + database + " OWNER TO " + admin);
        }
        env.put("POSTGRES_USER", admin);
        start("notes", "role");
        TestService.Response setup = service.setup();
        assertThat(setup.body(), setup.status(), is(200));
        assertThat(setup.body(), containsString("\"restart_required\":false"));
        assertThat(service.status().getJsonObject("plugins").getString("isolation"), is("role"));
        assertTable("notes_items", role("notes"));
        assertThat(query("SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls"
                         + " FROM pg_roles WHERE rolname = '" + role("notes") + "'"), is("f"));
        PluginContext notes = TestPlugins.Notes.CONTEXT.get();
        assertThat(notes.inTransaction(connection -> execute(connection,
                "INSERT INTO notes_items (body, tags) VALUES ('managed', '{}')")), is(1));

        start("notes", "role").awaitPhase("INITIALIZED", WAIT);
        assertThat("a restart changes nothing a CREATEROLE admin may not",
                   service.status().getString("phase"), is("INITIALIZED"));
    }

    @Test
    void twoInstallationsOnOneClusterHaveRolesOfTheirOwn() throws Exception {
        start("notes", "role");
        assertThat(service.setup().status(), is(200));
        String first = database;
        String second = TestPostgres.get().createDatabase("plugins_second");
        Map<String, String> secondEnv = new HashMap<>(TestPostgres.get().environment(second));
        secondEnv.put("DEPLOYSTACK_ADMIN_TOKEN", TOKEN);
        try (TestService other = TestService.start(secondEnv, data.resolve("second"), Path.of("migrations"),
                                                   Map.of("plugins.enabled", "notes", "plugins.isolation", "role"))) {
            assertThat(other.setup().status(), is(200));
            String secondOwner = TestPostgres.get().queryValue(
                    second, "SELECT tableowner FROM pg_tables WHERE tablename = 'notes_items'");
            assertThat(secondOwner, is(PluginNames.role(second, "notes")));
            assertThat(secondOwner, not(is(role("notes"))));
            assertThat(TestPlugins.Notes.CONTEXT.get().inTransaction(connection -> execute(connection,
                    "INSERT INTO notes_items (body, tags) VALUES ('second', '{}')")), is(1));
        }
        TestPlugins.Notes.CONTEXT.set(null);
        start("notes", "role").awaitPhase("INITIALIZED", WAIT);
        assertTable("notes_items", role("notes"));
        assertThat(notesContext().inTransaction(connection -> execute(connection,
                "INSERT INTO notes_items (body, tags) VALUES ('first', '{}')")), is(1));
        assertThat(TestPostgres.get().queryValue(first, "SELECT string_agg(body, ',') FROM notes_items"), is("first"));
        assertThat(TestPostgres.get().queryValue(second, "SELECT string_agg(body, ',') FROM notes_items"),
                   is("second"));
    }

    @Test
    void aTableOfAnEarlierRoleNameIsHandedToThePluginsRoleAtStart() throws Exception {
        start("notes", "role");
        assertThat(service.setup().status(), is(200));
        String earlier = "deploystack_plugin_notes_" + database;
        try (Connection connection = TestPostgres.get().connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + earlier + " LOGIN");
            statement.execute("ALTER TABLE notes_items OWNER TO " + earlier);
        }
        TestPlugins.Notes.CONTEXT.set(null);
        start("notes", "role").awaitPhase("INITIALIZED", WAIT);
        assertTable("notes_items", role("notes"));
        assertThat(TestService.logs().stream().anyMatch(line -> line.contains("moved from role " + earlier)), is(true));
        assertThat(notesContext().inTransaction(connection -> execute(connection,
                "INSERT INTO notes_items (body, tags) VALUES ('after', '{}')")), is(1));
    }

    /**
     * The notes plugin's context once its {@code initialize} ran: at a start, the plugins are initialized just after
     * the phase turns INITIALIZED.
     */
    private static PluginContext notesContext() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (TestPlugins.Notes.CONTEXT.get() == null) {
            assertThat("the notes plugin was never initialized", System.nanoTime() < deadline, is(true));
            TestService.sleep(20);
        }
        return TestPlugins.Notes.CONTEXT.get();
    }

    private String role(String pluginId) {
        return PluginNames.role(database, pluginId);
    }

    private static int execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return statement.getUpdateCount();
        }
    }

    private static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql.getSQLState();
            }
        }
        return "no SQLException in " + error;
    }

    private void assertTable(String table, String owner) throws SQLException {
        assertThat(query("SELECT tableowner FROM pg_tables WHERE tablename = '" + table + "'"), is(owner));
    }

    private String query(String sql) throws SQLException {
        return TestPostgres.get().queryValue(database, sql);
    }
}
