package com.deploystack.backend.plugins;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

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
