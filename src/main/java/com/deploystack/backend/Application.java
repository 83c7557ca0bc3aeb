package com.deploystack.backend;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.deploystack.backend.db.Database;
import com.deploystack.backend.db.DatabaseConfiguration;
import com.deploystack.backend.db.DatabaseInitializer;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.EmbeddedDatabase;
import com.deploystack.backend.db.Migrator;
import com.deploystack.backend.db.SelectionFile;
import com.deploystack.backend.health.DatabaseReadinessCheck;
import com.deploystack.backend.plugins.Plugins;
import com.deploystack.backend.plugins.ServiceEvents;
import com.deploystack.backend.health.StartupCheck;
import com.deploystack.backend.routes.AdminToken;
import com.deploystack.backend.routes.ProtocolErrors;
import com.deploystack.backend.routes.Routes;
import com.deploystack.backend.routes.SetupToken;
import com.deploystack.backend.services.ExpiredTokenSweeper;
import com.deploystack.backend.services.JsonFactory;
import com.deploystack.backend.settings.DefinitionModules;
import com.deploystack.backend.settings.EncryptionKeys;
import com.deploystack.backend.settings.EncryptionSecret;
import com.deploystack.backend.settings.GlobalSettings;
import com.deploystack.backend.settings.SettingsInitialization;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;

/**
 * The running service: configuration → database → routing → server, then the start-up catch-up in the
 * background so that status, health and the wizard answer while PostgreSQL is slow or down.
 */
public final class Application implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Application.class.getName());
    private static final Duration RETRY_EVERY = Duration.ofSeconds(2);

    private final Optional<EmbeddedDatabase> embedded;
    private final Database database;
    private final WebServer server;
    private final Thread startup;
    private final ExpiredTokenSweeper sweeper;
    private final Plugins plugins;
    private final Routes.Context routes;
    private volatile boolean started;

    private Application(Optional<EmbeddedDatabase> embedded, Database database, DatabaseInitializer initializer,
                        Plugins plugins, Routes.Context routes, Config config) {
        this.embedded = embedded;
        this.database = database;
        this.plugins = plugins;
        this.routes = routes;
        Config health = config.get("health.probe");
        DatabaseReadinessCheck readiness = new DatabaseReadinessCheck(
                database,
                Duration.ofMillis(health.get("timeout").asLong().orElse(1000L)),
                Duration.ofMillis(health.get("cache").asLong().orElse(1000L)));
        ObserveFeature observe = ObserveFeature.builder()
                .addObserver(HealthObserver.builder()
                                     .details(true)
                                     .useSystemServices(false)
                                     .addCheck(readiness)
                                     .addCheck(new StartupCheck(() -> started))
                                     .build())
                .build();
        this.server = WebServer.builder()
                .config(config.get("server"))
                .addFeature(observe)
                .directHandlers(ProtocolErrors.directHandlers())
                .routing(routing -> Routes.register(routing, routes))
                .build()
                .start();
        this.startup = Thread.ofVirtual().name("database-startup").start(() -> resume(initializer));
        this.sweeper = ExpiredTokenSweeper.start(
                database, Duration.ofSeconds(config.get("tokens.sweep.interval").asLong().orElse(3600L)));
    }

    /** Starts the service with {@code config} and the process environment {@code env}. */
    public static Application start(Config config, Map<String, String> env) {
        Path dataDirectory = Path.of(config.get("paths.data").asString().orElse("persistent_data"));
        Path migrations = Path.of(config.get("paths.migrations").asString().orElse("migrations"));
        DatabaseSettings.PoolSettings pool = poolSettings(config.get("db"));
        DatabaseConfiguration configuration = DatabaseConfiguration.read(env, pool);
        Optional<EmbeddedDatabase> embedded = Optional.empty();
        if (configuration.mode() == DatabaseConfiguration.Mode.EMBEDDED) {
            try {
                EmbeddedDatabase started = EmbeddedDatabase.start(
                        dataDirectory, config.get("db.embedded.port").asInt().orElse(0), pool);
                embedded = Optional.of(started);
                configuration = DatabaseConfiguration.embedded(started.settings());
            } catch (IOException | RuntimeException e) {
                configuration = new DatabaseConfiguration(DatabaseConfiguration.Mode.EMBEDDED, Optional.empty(),
                        List.of(), List.of("the embedded PostgreSQL failed to start (" + e.getMessage()
                                           + "); set the POSTGRES_* variables to use an external server"));
            }
        }
        if (!configuration.configured()) {
            LOG.log(Level.WARNING, "Database is not configured: " + configuration.problems()
                                   + ". Status, health and /setup keep answering.");
        } else {
            LOG.log(Level.INFO, "Database: " + configuration.settings().orElseThrow() + " ("
                                + configuration.mode().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        Database database = Database.create(configuration);
        Path settingsModules = Path.of(config.get("paths.settings").asString().orElse("config/global-settings"));
        EncryptionKeys keys = new EncryptionKeys(() -> EncryptionSecret.current(env, dataDirectory));
        GlobalSettings settings = new GlobalSettings(
                database, keys, Duration.ofMillis(config.get("settings.cache.ttl").asLong().orElse(5000L)));
        ServiceEvents events = new ServiceEvents();
        settings.onChange(key -> events.publish("setting.changed", JsonFactory.object().add("key", key).build()));
        Plugins plugins = Plugins.load(database, events, settings,
                                       config.get("plugins.enabled").asString().orElse(""),
                                       config.get("plugins.isolation").asString().orElse("role"),
                                       Path.of(config.get("paths.plugins").asString().orElse("plugins")));
        DatabaseInitializer initializer = new DatabaseInitializer(
                database, new Migrator(migrations), new SelectionFile(dataDirectory),
                List.of(new SettingsInitialization(
                                () -> plugins.withSettings(DefinitionModules.load(settingsModules)), keys),
                        plugins.step()));
        Routes.Context routes = new Routes.Context(database, initializer, settings, AdminToken.load(env, dataDirectory),
                                                   SetupToken.fromEnvironment(env), plugins,
                                                   config.get("db.setup.limit").asLong().orElse(65536L));
        return new Application(embedded, database, initializer, plugins, routes, config);
    }

    static DatabaseSettings.PoolSettings poolSettings(Config db) {
        return new DatabaseSettings.PoolSettings(
                db.get("pool.size").asInt().orElse(10),
                db.get("pool.idle").asInt().orElse(2),
                Duration.ofMillis(db.get("timeout.connect").asLong().orElse(5000L)),
                Duration.ofMillis(db.get("timeout.validation").asLong().orElse(2000L)));
    }

    /** Catches up with setup performed earlier; retries while PostgreSQL is unreachable. */
    private void resume(DatabaseInitializer initializer) {
        boolean reported = false;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                initializer.resumeAtStartup();
                return;
            } catch (SQLException e) {
                if (!reported) {
                    LOG.log(Level.WARNING, "PostgreSQL is unreachable at start (" + e.getMessage()
                                           + "); retrying every " + RETRY_EVERY.toSeconds() + " s");
                    reported = true;
                }
            } finally {
                started = true;
            }
            try {
                Thread.sleep(RETRY_EVERY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public int port() {
        return server.port();
    }

    public Database database() {
        return database;
    }

    /** Typed access to the global settings. */
    public GlobalSettings settings() {
        return routes.settings();
    }

    /** Stops accepting, lets in-flight requests finish, then closes the pool and the embedded PostgreSQL. */
    @Override
    public void close() {
        server.stop();
        startup.interrupt();
        sweeper.close();
        plugins.close();
        database.close();
        embedded.ifPresent(postgres -> {
            try {
                postgres.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Embedded PostgreSQL did not stop cleanly: " + e.getMessage());
            }
        });
    }
}
