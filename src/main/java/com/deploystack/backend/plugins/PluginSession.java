package com.deploystack.backend.plugins;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.deploystack.backend.db.ConnectionPools;
import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseNotAvailableException;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.ReadReplica;
import com.deploystack.backend.db.Transaction;
import com.deploystack.backend.jobs.Jobs;
import com.deploystack.backend.settings.GlobalSettings;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClientException;
import org.postgresql.util.PSQLException;

/**
 * One plugin's view of the service. With role isolation its statements run on connections that log in
 * as the plugin's role, so no statement of the plugin (not even {@code RESET ROLE}) can reach beyond what
 * that role may do.
 */
final class PluginSession implements PluginContext, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PluginSession.class.getName());
    /** SQLSTATE invalid_password: PostgreSQL refused the password given. */
    private static final String INVALID_PASSWORD = "28P01";

    private final Plugin plugin;
    private final Database database;
    private final ServiceEvents events;
    private final GlobalSettings settings;
    private final Supplier<PluginIsolation> isolation;
    private final PluginJobs jobs;
    private HikariDataSource rolePool;
    private final Map<String, HikariDataSource> replicaPools = new HashMap<>();
    private volatile String problem;

    PluginSession(Plugin plugin, Database database, ServiceEvents events, GlobalSettings settings,
                  Supplier<PluginIsolation> isolation, Jobs jobs) {
        this.plugin = plugin;
        this.database = database;
        this.events = events;
        this.settings = settings;
        this.isolation = isolation;
        this.jobs = new PluginJobTypes(plugin.id(), jobs);
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
        // a plugin that could not log in is tried once more directly, failing at once instead of waiting for the pool
        Optional<String> unavailable = problem == null ? Optional.empty() : connectionProblem();
        if (unavailable.isPresent()) {
            throw new DbClientException("Plugin " + plugin.id() + ": " + unavailable.get());
        }
        try (Connection connection = dataSource().getConnection()) {
            return Transaction.run(connection, work::run);
        } catch (SQLException e) {
            throw new DbClientException("Plugin " + plugin.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T read(Work<T> work) {
        if (isolation.get() != PluginIsolation.ROLE) {
            return inTransaction(work);
        }
        return database.read(Optional.empty(), replica -> {
            try (Connection connection = replicaPool(replica).getConnection()) {
                connection.setReadOnly(true);
                return Transaction.run(connection, work::run);
            } catch (SQLException e) {
                throw new DbClientException("Plugin " + plugin.id() + " on " + replica.name() + ": " + e.getMessage(), e);
            }
        }, () -> inTransaction(work));
    }

    @Override
    public String setting(String name) {
        return settings.getString(plugin.id() + "." + name);
    }

    @Override
    public PluginJobs jobs() {
        return jobs;
    }

    @Override
    public void subscribe(Consumer<ServiceEvent> listener) {
        events.subscribe(plugin.id(), listener);
    }

    /**
     * Logs in once as the plugin's role, outside the pool, within the connect timeout: empty when it can (or when
     * plugins share the service's role), else why not, in words fit for the status. Through PgBouncer a role it
     * does not know is refused at once, where the pool would retry until its timeout. A password PostgreSQL refuses
     * is set again from the service's, once, and the login tried again.
     */
    Optional<String> connectionProblem() {
        if (isolation.get() != PluginIsolation.ROLE) {
            return Optional.empty();
        }
        DatabaseSettings role = roleSettings();
        Optional<SQLException> refused = login(role);
        if (refused.isPresent() && INVALID_PASSWORD.equals(refused.get().getSQLState()) && setPasswordAgain(role)) {
            refused = login(role);
        }
        if (refused.isEmpty()) {
            problem = null;
            return Optional.empty();
        }
        SQLException e = refused.get();
        // what the server (PostgreSQL or PgBouncer) answered names no host; a connection failure may
        problem = e instanceof PSQLException answer && answer.getServerErrorMessage() != null
                ? "the login of its role " + role.user() + " was refused: " + answer.getServerErrorMessage()
                        .getMessage() + " (through PgBouncer the role must be in its auth_file or found by its"
                  + " auth_query)"
                : "its role " + role.user() + " cannot connect: PostgreSQL or PgBouncer is unreachable";
        LOG.log(Level.ERROR, "Plugin " + plugin.id() + ": " + problem + ": " + e.getMessage(), e);
        return Optional.of(problem);
    }

    private static Optional<SQLException> login(DatabaseSettings role) {
        try (Connection connection = DriverManager.getConnection(role.jdbcUrl(), role.driverProperties())) {
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(e);
        }
    }

    /**
     * The role keeps the password it was created with ({@link PluginRole#ensure}); after the service's own password
     * changed, the one derived from it is set here, through the service's connection.
     */
    private boolean setPasswordAgain(DatabaseSettings role) {
        LOG.log(Level.WARNING, "Plugin " + plugin.id() + ": PostgreSQL refused the password of its role " + role.user()
                               + " (the service's password changed?); setting the one derived from the service's");
        try (Connection connection = database.dataSource().orElseThrow().getConnection()) {
            PluginRole.setPassword(connection, role.user(), role.password());
            return true;
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.ERROR, "Plugin " + plugin.id() + ": cannot set the password of its role " + role.user()
                                 + ": " + e.getMessage(), e);
            return false;
        }
    }

    /** Why the plugin cannot reach its tables, as last found; empty while it can. */
    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    private synchronized DataSource dataSource() {
        return switch (isolation.get()) {
            case PREFIX -> database.dataSource().orElseThrow(() -> DatabaseNotAvailableException.in(database.phases().current()));
            case DISABLED -> throw new PluginsDisabledException();
            case ROLE -> {
                if (rolePool == null) {
                    rolePool = ConnectionPools.pool(roleSettings(), "plugin-" + plugin.id());
                }
                yield rolePool;
            }
        };
    }

    /** The plugin's role on a read replica (the role and its password are the primary's, replicated), a pool of two. */
    private synchronized DataSource replicaPool(ReadReplica replica) {
        DatabaseSettings server = replica.serveSettings();
        return replicaPools.computeIfAbsent(replica.name(), name -> ConnectionPools.pool(
                asRole(server), "plugin-" + plugin.id() + "-" + name));
    }

    /** The service's server and database, logged in as the plugin's role, with a pool of two. */
    private DatabaseSettings roleSettings() {
        return asRole(database.settings()
                              .orElseThrow(() -> DatabaseNotAvailableException.in(database.phases().current())));
    }

    private DatabaseSettings asRole(DatabaseSettings server) {
        DatabaseSettings service = database.settings().orElseThrow();
        String role = PluginNames.role(service.database(), plugin.id());
        return server.as(role, PluginRole.password(service.password(), role), 2);
    }

    @Override
    public synchronized void close() {
        if (rolePool != null) {
            rolePool.close();
        }
        replicaPools.values().forEach(HikariDataSource::close);
    }
}
