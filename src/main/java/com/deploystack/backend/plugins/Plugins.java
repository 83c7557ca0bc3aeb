package com.deploystack.backend.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.InitializationStep;
import com.deploystack.backend.db.Step;
import com.deploystack.backend.services.JsonFactory;
import com.deploystack.backend.settings.GlobalSettings;
import com.deploystack.backend.settings.SettingDefinition;
import com.deploystack.backend.settings.SettingGroup;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * The enabled plugins: discovered on the class path and in the plugins folder, validated before any SQL
 * runs, their tables created and checked as an initialization step, their hooks called once the database
 * is initialized, and their routes mounted under {@code /api/plugin/<id>/}.
 */
public final class Plugins implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Plugins.class.getName());

    private final Database database;
    private final ServiceEvents events;
    private final boolean roleIsolationWanted;
    private final Map<String, PluginSession> sessions = new LinkedHashMap<>();
    private final List<Plugin> enabled;
    private final List<String> refused;
    private volatile PluginIsolation isolation;

    private Plugins(Database database, ServiceEvents events, GlobalSettings settings, List<Plugin> enabled,
                    List<String> refused, boolean roleIsolationWanted) {
        this.database = database;
        this.events = events;
        this.enabled = List.copyOf(enabled);
        this.refused = List.copyOf(refused);
        this.roleIsolationWanted = roleIsolationWanted;
        this.isolation = roleIsolationWanted ? PluginIsolation.ROLE : PluginIsolation.PREFIX;
        enabled.forEach(plugin -> sessions.put(plugin.id(), new PluginSession(plugin, database, events, settings,
                                                                               () -> isolation)));
    }

    /**
     * Finds the plugins listed in {@code enabledIds} on the class path and in {@code folder} (jars).
     * A plugin with an invalid definition is refused with an error naming it; the others run.
     *
     * @param isolation {@code role} (default) or {@code prefix}
     */
    public static Plugins load(Database database, ServiceEvents events, GlobalSettings settings, String enabledIds,
                               String isolation, Path folder) {
        Set<String> wanted = Arrays.stream(enabledIds.split(","))
                .map(String::strip).filter(id -> !id.isEmpty()).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        String mode = isolation.strip().toLowerCase(Locale.ROOT);
        List<Plugin> enabled = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        if (!mode.equals("role") && !mode.equals("prefix")) {
            String problem = "plugins.isolation must be 'role' or 'prefix', got '" + isolation + "'; no plugin runs";
            LOG.log(Level.ERROR, problem);
            refused.add(problem);
            return new Plugins(database, events, settings, enabled, refused, true);
        }
        Set<String> seen = new java.util.HashSet<>();
        for (Plugin plugin : ServiceLoader.load(Plugin.class, classLoader(folder))) {
            if (!wanted.contains(plugin.id())) {
                continue;
            }
            try {
                PluginNames.validate(plugin);
                if (!seen.add(plugin.id())) {
                    throw new PluginDefinitionException("Plugin '" + plugin.id() + "' is on the class path twice");
                }
                enabled.add(plugin);
            } catch (PluginDefinitionException e) {
                LOG.log(Level.ERROR, "Plugin refused: " + e.getMessage());
                refused.add(e.getMessage());
            }
        }
        wanted.stream().filter(id -> !seen.contains(id)).forEach(id -> {
            String problem = "Plugin '" + id + "' is enabled but was not found on the class path or in " + folder;
            LOG.log(Level.ERROR, problem);
            refused.add(problem);
        });
        if (!enabled.isEmpty() && mode.equals("prefix")) {
            LOG.log(Level.WARNING, "plugins.isolation=prefix: plugins share the service's database role; only their"
                                   + " table names keep them apart");
        }
        return new Plugins(database, events, settings, enabled, refused, mode.equals("role"));
    }

    /** Creates and checks the plugin tables inside setup's transaction; calls the hooks once initialized. */
    public InitializationStep step() {
        return new InitializationStep() {
            @Override
            public Step step() {
                return Step.PLUGINS;
            }

            @Override
            public void run(Connection connection) throws SQLException {
                createTables(connection);
            }

            @Override
            public void activate(boolean setupPerformed) {
                try {
                    initializePlugins();
                } finally {
                    // also when a plugin is not ready: the event is then logged as not delivered to it, never lost
                    if (setupPerformed) {
                        events.publish("database.setup", JsonFactory.object().build());
                    }
                }
            }
        };
    }

    /**
     * The core's setting groups followed by the enabled plugins' groups. A plugin key that the core or an
     * earlier plugin already owns is skipped with a warning, and a key outside the plugin's namespace
     * ({@code <id>.}) is refused the same way.
     */
    public List<SettingGroup> withSettings(List<SettingGroup> core) {
        Set<String> owned = new java.util.HashSet<>();
        core.forEach(group -> group.settings().forEach(setting -> owned.add(setting.key())));
        List<SettingGroup> all = new ArrayList<>(core);
        for (Plugin plugin : enabled) {
            plugin.settings().ifPresent(group -> {
                List<SettingDefinition> kept = new ArrayList<>();
                for (SettingDefinition setting : group.settings()) {
                    if (!setting.key().startsWith(plugin.id() + ".")) {
                        LOG.log(Level.WARNING, "Plugin " + plugin.id() + ": setting " + setting.key()
                                               + " is outside its namespace " + plugin.id() + ".*; skipped");
                    } else if (!owned.add(setting.key())) {
                        LOG.log(Level.WARNING, "Plugin " + plugin.id() + ": setting " + setting.key()
                                               + " is already defined by the core or another plugin; skipped");
                    } else {
                        kept.add(setting);
                    }
                }
                all.add(new SettingGroup(group.id(), group.name(), group.description(), group.icon(),
                                         group.sortOrder(), kept));
            });
        }
        return all;
    }

    /** Mounts each plugin's routes under {@code /api/plugin/<id>/}, all behind {@code guard}. */
    public void routing(HttpRouting.Builder routing, Handler guard) {
        if (enabled.isEmpty()) {
            return;
        }
        routing.any("/api/plugin/{+}", guard);
        for (Plugin plugin : enabled) {
            PluginSession session = sessions.get(plugin.id());
            routing.register("/api/plugin/" + plugin.id(), rules -> plugin.routing(rules, session));
        }
    }

    /** What the status endpoint shows about plugins; empty when none is enabled or refused. */
    public java.util.Optional<JsonObject> status() {
        if (enabled.isEmpty() && refused.isEmpty()) {
            return java.util.Optional.empty();
        }
        JsonObjectBuilder unavailable = JsonFactory.object();
        sessions.forEach((id, session) -> session.problem().ifPresent(problem -> unavailable.add(id, problem)));
        return java.util.Optional.of(JsonFactory.object()
                .add("enabled", JsonFactory.array(enabled.stream().map(Plugin::id).toList()))
                .add("isolation", isolation.name().toLowerCase(Locale.ROOT))
                .add("refused", JsonFactory.array(refused))
                .add("unavailable", unavailable)
                .build());
    }

    public PluginIsolation isolation() {
        return isolation;
    }

    private void createTables(Connection connection) throws SQLException {
        if (enabled.isEmpty()) {
            return;
        }
        if (roleIsolationWanted) {
            isolation = PluginRole.canCreateRoles(connection) ? PluginIsolation.ROLE : PluginIsolation.DISABLED;
        }
        if (isolation == PluginIsolation.DISABLED) {
            LOG.log(Level.WARNING, PluginsDisabledException.MESSAGE);
            return;
        }
        DatabaseSettings service = database.settings().orElseThrow();
        for (Plugin plugin : enabled) {
            String role = null;
            if (isolation == PluginIsolation.ROLE) {
                role = PluginNames.role(service.database(), plugin.id());
                PluginRole.ensure(connection, role, PluginRole.password(service.password(), role));
            }
            PluginSchema.apply(connection, plugin, role);
        }
    }

    /**
     * Checks that each plugin can log in as its role, then calls its {@code initialize}. Every plugin is tried; when
     * one failed (named in the log and the status), the exception says which, and setup answers restart_required.
     */
    private void initializePlugins() {
        if (isolation == PluginIsolation.DISABLED) {
            return;
        }
        List<String> failed = new ArrayList<>();
        for (Plugin plugin : enabled) {
            PluginSession session = sessions.get(plugin.id());
            session.connectionProblem().ifPresent(problem -> failed.add(plugin.id() + ": " + problem));
            try {
                plugin.initialize(session);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Plugin " + plugin.id() + " failed to initialize: " + e.getMessage(), e);
                failed.add(plugin.id() + ": " + e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("Plugins not ready: " + String.join("; ", failed));
        }
    }

    private static ClassLoader classLoader(Path folder) {
        ClassLoader parent = Plugins.class.getClassLoader();
        if (!Files.isDirectory(folder)) {
            return parent;
        }
        try (Stream<Path> files = Files.list(folder)) {
            URL[] jars = files.filter(file -> file.toString().endsWith(".jar"))
                    .map(file -> {
                        try {
                            return file.toUri().toURL();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toArray(URL[]::new);
            return jars.length == 0 ? parent : new URLClassLoader("plugins", jars, parent);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the plugins folder " + folder, e);
        }
    }

    @Override
    public void close() {
        sessions.values().forEach(PluginSession::close);
    }
}
