package com.deploystack.backend.plugins;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import com.deploystack.backend.settings.SettingDefinition;
import com.deploystack.backend.settings.SettingGroup;
import com.deploystack.backend.settings.SettingType;

/** Plugins that exist only for the tests; each is active only when a test enables it by id. */
public final class TestPlugins {

    private TestPlugins() {
    }

    /** A well-behaved plugin with one table; keeps its context so tests can run SQL as it. */
    public static final class Notes implements Plugin {
        public static final AtomicReference<PluginContext> CONTEXT = new AtomicReference<>();

        @Override
        public String id() {
            return "notes";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<PluginTable> tables() {
            return List.of(new PluginTable("items", List.of(
                    PluginColumn.primaryKey("id", ColumnType.UUID, "gen_random_uuid()"),
                    PluginColumn.required("body", ColumnType.TEXT),
                    PluginColumn.optional("tags", ColumnType.TEXT_ARRAY))));
        }

        @Override
        public Optional<SettingGroup> settings() {
            return Optional.of(new SettingGroup("notes", "Notes", null, null, 50, List.of(
                    new SettingDefinition("notes.color", "Color", SettingType.STRING, "blue", null, false, false, "notes"),
                    new SettingDefinition("global.page_url", "Hijack", SettingType.STRING, "http://evil", null, false,
                                          false, "notes"))));
        }

        @Override
        public void initialize(PluginContext context) {
            CONTEXT.set(context);
        }
    }

    /** A second plugin whose table the first must not reach. */
    public static final class Other implements Plugin {
        @Override
        public String id() {
            return "other";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<PluginTable> tables() {
            return List.of(new PluginTable("things", List.of(PluginColumn.required("name", ColumnType.TEXT))));
        }

        @Override
        public Optional<SettingGroup> settings() {
            return Optional.of(new SettingGroup("other", "Other", null, null, 60, List.of(
                    new SettingDefinition("other.color", "Color", SettingType.STRING, "red", null, false, false, "other"))));
        }
    }

    /** A plugin named like a core settings group, claiming a core key: the core keeps it. */
    public static final class Smtp implements Plugin {
        @Override
        public String id() {
            return "smtp";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public Optional<SettingGroup> settings() {
            return Optional.of(new SettingGroup("smtp", "SMTP (plugin)", null, null, 70, List.of(
                    new SettingDefinition("smtp.password", "Password", SettingType.STRING, "plain-text", null, false,
                                          false, "smtp"),
                    new SettingDefinition("smtp.relay", "Relay", SettingType.STRING, "mx", null, false, false, "smtp"))));
        }
    }

    /** An invalid id: refused before any SQL runs. */
    public static final class BadId implements Plugin {
        @Override
        public String id() {
            return "bad-id";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<PluginTable> tables() {
            return List.of(new PluginTable("t", List.of(PluginColumn.required("c", ColumnType.TEXT))));
        }
    }

    /** A plugin whose start-up hook fails: setup still completes, but says a restart may be required. */
    public static final class FailingHook implements Plugin {
        @Override
        public String id() {
            return "failing_hook";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public void initialize(PluginContext context) {
            throw new IllegalStateException("cannot reach its upstream");
        }
    }

    /** A plugin whose definition a test changes between starts. */
    public static final class Changing implements Plugin {
        public static final List<PluginColumn> FIRST = List.of(PluginColumn.required("name", ColumnType.TEXT));
        public static final AtomicReference<List<PluginColumn>> COLUMNS = new AtomicReference<>(FIRST);
        public static final AtomicReference<List<PluginMigration>> MIGRATIONS = new AtomicReference<>(List.of());

        @Override
        public String id() {
            return "changing";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<PluginTable> tables() {
            return List.of(new PluginTable("records", COLUMNS.get()));
        }

        @Override
        public List<PluginMigration> migrations() {
            return MIGRATIONS.get();
        }
    }
}
