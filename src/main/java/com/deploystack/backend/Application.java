package com.deploystack.backend;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseConfiguration;
import com.deploystack.backend.db.DatabaseEvents;
import com.deploystack.backend.db.DatabaseInitializer;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.EmbeddedDatabase;
import com.deploystack.backend.db.Migrator;
import com.deploystack.backend.db.ReadReplicaSettings;
import com.deploystack.backend.db.ReplicaFollower;
import com.deploystack.backend.db.SelectionFile;
import com.deploystack.backend.db.StartupCatchUp;
import com.deploystack.backend.health.DatabaseReadinessCheck;
import com.deploystack.backend.health.ShutdownCheck;
import com.deploystack.backend.health.StartupCheck;
import com.deploystack.backend.http.ConnectionCloseFilter;
import com.deploystack.backend.http.ConnectionGuard;
import com.deploystack.backend.http.ConnectionLimits;
import com.deploystack.backend.http.FrontendOrigins;
import com.deploystack.backend.http.GuardedConnectionSelector;
import com.deploystack.backend.http.ListenerLoss;
import com.deploystack.backend.observe.Observability;
import com.deploystack.backend.jobs.JobSettings;
import com.deploystack.backend.jobs.Jobs;
import com.deploystack.backend.plugins.Plugins;
import com.deploystack.backend.plugins.ServiceEvents;
import com.deploystack.backend.routes.AdminToken;
import com.deploystack.backend.routes.ProtocolErrors;
import com.deploystack.backend.routes.Routes;
import com.deploystack.backend.routes.SetupToken;
import com.deploystack.backend.json.JsonFactory;
import com.deploystack.backend.settings.DefinitionModules;
import com.deploystack.backend.settings.EncryptionKeys;
import com.deploystack.backend.settings.EncryptionSecret;
import com.deploystack.backend.settings.GlobalSettings;
import com.deploystack.backend.settings.SettingsInitialization;
import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.health.HealthObserverConfig;

/**
 * The running service: configuration → database → routing → server, then the start-up catch-up in the
 * background so that status, health and the wizard answer while PostgreSQL is slow or down.
 */
public final class Application implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Application.class.getName());
    /** Exit status when the HTTP listener died on its own. */
    public static final int EXIT_LISTENER_LOST = 70;

    /** The HTTP port could not be bound: the message names the address and why. */
    public static final class CannotListenException extends RuntimeException {
        CannotListenException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Optional<EmbeddedDatabase> embedded;
    private final Database database;
    private final Plugins plugins;
    private final Routes.Context routes;
    private final ConnectionGuard guard;
    private final Duration drainPeriod;
    private final WebServer server;
    private final Thread startup;
    private final DatabaseEvents events;
    private final ReplicaFollower follower;
    private final Observability observability;
    private final Jobs jobs;
    private volatile boolean stopping;

    private Application(Optional<EmbeddedDatabase> embedded, Database database, DatabaseInitializer initializer,
                        Plugins plugins, Routes.Context routes, ConnectionGuard guard, Thread startup,
                        Config config, Set<String> frontendOrigins, Observability observability, Jobs jobs) {
        this.embedded = embedded;
        this.database = database;
        this.plugins = plugins;
        this.routes = routes;
        this.guard = guard;
        this.startup = startup;
        this.observability = observability;
        this.jobs = jobs;
        this.drainPeriod = Duration.ofMillis(config.get("http.drain").asLong().get());
        HealthObserverConfig.Builder health = HealthObserver.builder().details(true).useSystemServices(false);
        routes.healthChecks().forEach(health::addCheck);
        this.server = WebServer.builder()
                .config(config.get("server"))
                .protocolsDiscoverServices(false)
                .addConnectionSelector(new GuardedConnectionSelector(
                        guard, Http1Config.builder().config(config.get("server.protocols.http_1_1")).build()))
                .addFeature(observability.feature(health.build()))
                .addFeature(FrontendOrigins.cors(frontendOrigins))
                .directHandlers(ProtocolErrors.directHandlers())
                .routing(routing -> {
                    routing.addFeature(new ListenerLoss(() -> stopping, this::listenerLost));
                    routing.addFeature(new ConnectionCloseFilter(guard));
                    Routes.register(routing, routes);
                    observability.register(routing);
                })
                .build()
                .start();
        if (!server.isRunning()) {
            throw new CannotListenException("Cannot listen on " + address(config) + " (see the error above)", null);
        }
        // through PgBouncer LISTEN would not stay on one server connection: replicas poll instead
        this.events = DatabaseEvents.listen(database.settings().filter(settings -> !settings.pgbouncer()));
        this.follower = ReplicaFollower.start(initializer, events,
                                              Duration.ofMillis(config.get("db.follow.interval").asLong().get()));
        jobs.listen(events);
    }

    /** Starts the service with {@code config} and the process environment {@code env}. */
    public static Application start(Config config, Map<String, String> env) {
        ServicePaths paths = ServicePaths.from(config.get("paths"));
        Path dataDirectory = paths.data();
        EncryptionKeys keys = new EncryptionKeys(() -> EncryptionSecret.current(env, dataDirectory), dataDirectory);
        // the slowest part of a start (PBKDF2 for a chosen secret) begins first and runs beside everything else
        keys.unlockAhead();
        requireBindable(config);
        DatabaseSettings.PoolSettings pool = DatabaseSettings.PoolSettings.from(config.get("db"));
        DatabaseConfiguration configuration = DatabaseConfiguration.read(env, pool);
        Optional<EmbeddedDatabase> embedded = Optional.empty();
        if (configuration.mode() == DatabaseConfiguration.Mode.EMBEDDED) {
            try {
                EmbeddedDatabase started = EmbeddedDatabase.start(
                        dataDirectory, config.get("db.embedded.port").asInt().get(), pool);
                embedded = Optional.of(started);
                configuration = DatabaseConfiguration.embedded(started.settings());
            } catch (IOException | RuntimeException e) {
                configuration = new DatabaseConfiguration(DatabaseConfiguration.Mode.EMBEDDED, Optional.empty(),
                        List.of(), List.of("the embedded PostgreSQL failed to start (" + e.getMessage()
                                           + "); set the POSTGRES_* variables to use an external server"));
            }
        }
        ReadReplicaSettings reads = ReadReplicaSettings.read(env, configuration, config.get("db.read"));
        configuration = reads.applyTo(configuration);
        if (!configuration.configured()) {
            LOG.log(Level.WARNING, "Database is not configured: " + configuration.problems()
                                   + ". Status, health and /setup keep answering.");
        } else {
            LOG.log(Level.INFO, "Database: " + configuration.settings().orElseThrow() + " ("
                                + configuration.mode().name().toLowerCase(Locale.ROOT) + ")");
        }
        Database database = Database.create(configuration, reads);
        Path settingsModules = paths.settings();
        GlobalSettings settings = new GlobalSettings(
                database, keys, Duration.ofMillis(config.get("settings.cache.ttl").asLong().get()));
        ServiceEvents events = new ServiceEvents();
        settings.onChange(key -> events.publish("setting.changed", JsonFactory.object().add("key", key).build()));
        Jobs jobs = Jobs.create(database, JobSettings.from(config));
        Plugins plugins = Plugins.load(database, events, settings,
                                       config.get("plugins.enabled").asString().get(),
                                       config.get("plugins.isolation").asString().get(), paths.plugins(), jobs);
        DatabaseInitializer initializer = new DatabaseInitializer(
                database, new Migrator(paths.migrations()), new SelectionFile(dataDirectory),
                List.of(new SettingsInitialization(
                                () -> settings.define(plugins.withSettings(DefinitionModules.load(settingsModules))), keys),
                        plugins.step(), jobs.step()));
        ConnectionGuard guard = new ConnectionGuard(ConnectionLimits.from(config.get("http")));
        AtomicBoolean started = new AtomicBoolean();
        Config probe = config.get("health.probe");
        List<HealthCheck> checks = List.of(
                new DatabaseReadinessCheck(database, Duration.ofMillis(probe.get("timeout").asLong().get()),
                                           Duration.ofMillis(probe.get("cache").asLong().get())),
                new ShutdownCheck(guard::draining),
                new StartupCheck(started::get));
        Routes.Context routes = new Routes.Context(database, initializer, settings, AdminToken.load(env, dataDirectory),
                                                   SetupToken.fromEnvironment(env), plugins,
                                                   config.get("db.setup.limit").asLong().get(), checks);
        // The catch-up of a set-up installation starts at once, beside the metrics' and the web server's own start
        Thread startup = StartupCatchUp.start(initializer, () -> started.set(true));
        Observability observability = null;
        try {
            observability = Observability.start(config.get("observe"), routes);
            return new Application(embedded, database, initializer, plugins, routes, guard, startup, config,
                                   FrontendOrigins.read(env), observability, jobs);
        } catch (RuntimeException e) {
            startup.interrupt();
            if (observability != null) {
                observability.close();
            }
            guard.close();
            plugins.close();
            database.close();
            embedded.ifPresent(Application::stopEmbedded);
            throw e;
        }
    }

    /**
     * Fails with one sentence naming the address and the reason when the port cannot be bound: Helidon logs the
     * failure as a stack trace and returns a server that does not run.
     */
    private static void requireBindable(Config config) {
        int port = config.get("server.port").asInt().get();
        if (port == 0) {
            return;
        }
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(config.get("server.host").asString().get(), port));
        } catch (IOException | RuntimeException e) {
            throw new CannotListenException("Cannot listen on " + address(config) + ": " + e.getMessage()
                                            + " (the port is set by SERVER_PORT, the address by SERVER_HOST)", e);
        }
    }

    private static String address(Config config) {
        return config.get("server.host").asString().get() + ":" + config.get("server.port").asInt().get();
    }

    public int port() {
        return server.port();
    }

    /** Open HTTP connections (the {@link ConnectionGuard}'s count). */
    public int openConnections() {
        return guard.openConnections();
    }

    public Database database() {
        return database;
    }

    /** The background jobs: job types, enqueueing. */
    public Jobs jobs() {
        return jobs;
    }

    /** Typed access to the global settings. */
    public GlobalSettings settings() {
        return routes.settings();
    }

    /**
     * The shutdown on SIGTERM: readiness turns DOWN at once and the service keeps serving for the drain period
     * ({@code http.drain}), every answer closing its connection, so that load balancers move traffic away before
     * the port closes; then {@link #close()}.
     */
    public void shutdown() {
        jobs.stopClaiming(drainPeriod);
        if (!drainPeriod.isZero() && !stopping) {
            LOG.log(Level.INFO, "Shutting down: readiness is DOWN; serving for " + drainPeriod.toMillis()
                                + " ms more while load balancers move traffic away");
            guard.drain();
            try {
                Thread.sleep(drainPeriod);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
    }

    /** Stops accepting, lets in-flight requests finish, then closes the pool and the embedded PostgreSQL. */
    @Override
    public void close() {
        stopping = true;
        server.stop();
        guard.close();
        startup.interrupt();
        follower.close();
        events.close();
        jobs.close();
        observability.close();
        plugins.close();
        database.close();
        embedded.ifPresent(Application::stopEmbedded);
    }

    /** The listener stopped without a shutdown (it cannot accept, e.g. out of file descriptors): exit for a restart. */
    private void listenerLost() {
        LOG.log(Level.ERROR, "The HTTP listener on port " + server.port() + " stopped on its own; exiting with status "
                             + EXIT_LISTENER_LOST + " so that the service is restarted");
        stopping = true;
        Thread.ofPlatform().name("exit").start(() -> System.exit(EXIT_LISTENER_LOST));
    }

    private static void stopEmbedded(EmbeddedDatabase postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
