package com.deploystack.backend.plugins;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.deploystack.backend.db.ConnectionPools;
import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseNotAvailableException;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.settings.GlobalSettings;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClientException;

/**
 * One plugin's view of the service. With role isolation its statements run on connections that log in
 * as the plugin's role, so no statement of the plugin (not even {@code RESET ROLE}) can reach beyond what
 * that role may do.
 */
final class PluginSession implements PluginContext, AutoCloseable {

    private final Plugin plugin;
    private final Database database;
    private final ServiceEvents events;
    private final GlobalSettings settings;
    private final Supplier<PluginIsolation> isolation;
    private HikariDataSource rolePool;

    PluginSession(Plugin plugin, Database database, ServiceEvents events, GlobalSettings settings,
                  Supplier<PluginIsolation> isolation) {
        this.plugin = plugin;
        this.database = database;
        this.events = events;
        this.settings = settings;
        this.isolation = isolation;
    }

    @Override
    public String pluginId() {
        return plugin.id();
    }

    @Override
    public String table(String name) {
        return PluginNames.tableName(plugin.id(), name);
    }

    @Override
    public <T> T inTransaction(Work<T> work) {
        database.requireInitialized();
        try (Connection connection = dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DbClientException("Plugin " + plugin.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String setting(String name) {
        return settings.getString(plugin.id() + "." + name);
    }

    @Override
    public void subscribe(Consumer<ServiceEvent> listener) {
        events.subscribe(listener);
    }

    private synchronized DataSource dataSource() {
        return switch (isolation.get()) {
            case PREFIX -> database.dataSource().orElseThrow(() -> DatabaseNotAvailableException.in(database.phases().current()));
            case DISABLED -> throw new PluginsDisabledException();
            case ROLE -> {
                if (rolePool == null) {
                    DatabaseSettings service = database.settings()
                            .orElseThrow(() -> DatabaseNotAvailableException.in(database.phases().current()));
                    String role = PluginNames.role(plugin.id());
                    rolePool = ConnectionPools.pool(service.as(role, PluginRole.password(service.password(), role), 2),
                                                    "plugin-" + plugin.id());
                }
                yield rolePool;
            }
        };
    }

    @Override
    public synchronized void close() {
        if (rolePool != null) {
            rolePool.close();
        }
    }
}
