package com.deploystack.backend.plugins;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.InitializationStep;
import com.deploystack.backend.db.Step;
import com.deploystack.backend.json.JsonFactory;

/**
 * The plugins' initialization step: decides the isolation (its own role per plugin when the service may create
 * roles), creates and checks the plugins' roles and tables in setup's transaction, and once the database is
 * initialized checks each plugin's login and calls its {@code initialize}.
 */
final class PluginInstallation implements InitializationStep {

    private static final System.Logger LOG = System.getLogger(PluginInstallation.class.getName());

    private final Database database;
    private final ServiceEvents events;
    private final List<Plugin> enabled;
    private final Map<String, PluginSession> sessions;
    private final boolean roleIsolationWanted;
    private volatile PluginIsolation isolation;

    PluginInstallation(Database database, ServiceEvents events, List<Plugin> enabled,
                       Map<String, PluginSession> sessions, boolean roleIsolationWanted) {
        this.database = database;
        this.events = events;
        this.enabled = enabled;
        this.sessions = sessions;
        this.roleIsolationWanted = roleIsolationWanted;
        this.isolation = roleIsolationWanted ? PluginIsolation.ROLE : PluginIsolation.PREFIX;
    }

    PluginIsolation isolation() {
        return isolation;
    }

    @Override
    public Step step() {
        return Step.PLUGINS;
    }

    /** Creates and checks the plugins' roles and tables inside setup's (or the catch-up's) transaction. */
    @Override
    public void run(Connection connection) throws SQLException {
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

    /** Initializes the plugins; publishes {@code database.setup} after a setup, also when a plugin is not ready. */
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
}
