package com.deploystack.backend.plugins;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.InitializationStep;
import com.deploystack.backend.jobs.Jobs;
import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.settings.GlobalSettings;
import com.deploystack.backend.settings.SettingDefinition;
import com.deploystack.backend.settings.SettingGroup;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * The enabled plugins as the rest of the service sees them: their initialization step
 * ({@link PluginInstallation}), their setting groups beside the core's, their routes under
 * {@code /api/plugin/<id>/}, and what the status shows of them. {@link PluginLoader} finds them.
 */
public final class Plugins implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Plugins.class.getName());

    private final Map<String, PluginSession> sessions = new LinkedHashMap<>();
    private final List<Plugin> enabled;
    private final List<String> refused;
    private final PluginInstallation installation;

    private Plugins(Database database, ServiceEvents events, GlobalSettings settings, PluginLoader.Found found,
                    boolean roleIsolationWanted, Jobs jobs) {
        this.enabled = found.enabled();
        this.refused = found.refused();
        this.installation = new PluginInstallation(database, events, enabled, sessions, roleIsolationWanted);
        enabled.forEach(plugin -> sessions.put(plugin.id(), new PluginSession(plugin, database, events, settings,
                                                                               installation::isolation, jobs)));
    }

    /**
     * The plugins listed in {@code enabledIds} on the class path and in {@code folder} (jars). A plugin with an
     * invalid definition is refused with an error naming it; the others run.
     *
     * @param isolation {@code role} (default) or {@code prefix}
     * @param jobs where the plugins register their job types and enqueue
     */
    public static Plugins load(Database database, ServiceEvents events, GlobalSettings settings, String enabledIds,
                               String isolation, Path folder, Jobs jobs) {
        String mode = isolation.strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("role") && !mode.equals("prefix")) {
            String problem = "plugins.isolation must be 'role' or 'prefix', got '" + isolation + "'; no plugin runs";
            LOG.log(Level.ERROR, problem);
            return new Plugins(database, events, settings, new PluginLoader.Found(List.of(), List.of(problem)), true,
                               jobs);
        }
        PluginLoader.Found found = PluginLoader.load(enabledIds, folder);
        if (!found.enabled().isEmpty() && mode.equals("prefix")) {
            LOG.log(Level.WARNING, "plugins.isolation=prefix: plugins share the service's database role; only their"
                                   + " table names keep them apart");
        }
        return new Plugins(database, events, settings, found, mode.equals("role"), jobs);
    }

    /** Creates and checks the plugin tables inside setup's transaction; calls the hooks once initialized. */
    public InitializationStep step() {
        return installation;
    }

    /**
     * The core's setting groups followed by the enabled plugins' groups. A plugin key that the core or an
     * earlier plugin already owns is skipped with a warning, and a key outside the plugin's namespace
     * ({@code <id>.}) is refused the same way.
     */
    public List<SettingGroup> withSettings(List<SettingGroup> core) {
        Set<String> owned = new HashSet<>();
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
    public Optional<JsonObject> status() {
        if (enabled.isEmpty() && refused.isEmpty()) {
            return Optional.empty();
        }
        JsonObjectBuilder unavailable = JsonFactory.object();
        sessions.forEach((id, session) -> session.problem().ifPresent(problem -> unavailable.add(id, problem)));
        return Optional.of(JsonFactory.object()
                .add("enabled", JsonFactory.array(enabled.stream().map(Plugin::id).toList()))
                .add("isolation", installation.isolation().name().toLowerCase(Locale.ROOT))
                .add("refused", JsonFactory.array(refused))
                .add("unavailable", unavailable)
                .build());
    }

    /** The enabled plugins' ids and versions, in the order they were enabled. */
    public Map<String, String> versions() {
        Map<String, String> versions = new LinkedHashMap<>();
        enabled.forEach(plugin -> versions.put(plugin.id(), plugin.version()));
        return versions;
    }

    public PluginIsolation isolation() {
        return installation.isolation();
    }

    @Override
    public void close() {
        sessions.values().forEach(PluginSession::close);
    }
}
