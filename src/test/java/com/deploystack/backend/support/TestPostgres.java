package com.deploystack.backend.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.deploystack.backend.ServiceConfig;
import com.deploystack.backend.db.DatabaseConfiguration;
import com.deploystack.backend.db.DatabaseSettings;
import com.deploystack.backend.db.MigrationLock;
import com.deploystack.backend.db.Migrator;
import com.deploystack.backend.db.Script;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One PostgreSQL for the whole test run: an embedded server by default, or the server named by
 * {@code TEST_POSTGRES_HOST} (with {@code TEST_POSTGRES_PORT}, {@code TEST_POSTGRES_USER},
 * {@code TEST_POSTGRES_PASSWORD}). Each test class asks for a fresh database of its own.
 */
public final class TestPostgres {

    /** A password that must never show up in a log line or a response. */
    public static final String PASSWORD = "Sup3r-Secret-Test-Pa55word";

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private final List<String> created = new CopyOnWriteArrayList<>();
    private static volatile TestPostgres instance;

    private final String host;
    private final int port;
    private final String user;
    private final String password;

    private TestPostgres(String host, int port, String user, String password) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    public static synchronized TestPostgres get() {
        if (instance == null) {
            String external = System.getenv("TEST_POSTGRES_HOST");
            if (external != null && !external.isBlank()) {
                instance = new TestPostgres(external,
                                            Integer.parseInt(System.getenv().getOrDefault("TEST_POSTGRES_PORT", "5432")),
                                            System.getenv().getOrDefault("TEST_POSTGRES_USER", "postgres"),
                                            System.getenv().getOrDefault("TEST_POSTGRES_PASSWORD", PASSWORD));
                Runtime.getRuntime().addShutdownHook(new Thread(instance::dropCreatedDatabases));
            } else {
                instance = startEmbedded();
            }
        }
        return instance;
    }

    public boolean external() {
        return System.getenv("TEST_POSTGRES_HOST") != null && !System.getenv("TEST_POSTGRES_HOST").isBlank();
    }

    private static TestPostgres startEmbedded() {
        try {
            Path data = Files.createTempDirectory("test-postgres");
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "400")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return new TestPostgres("localhost", postgres.getPort(), "postgres", PASSWORD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a new, empty database and returns its name. */
    public String createDatabase(String prefix) {
        String name = (prefix.toLowerCase().replaceAll("[^a-z0-9]", "_") + "_" + ProcessHandle.current().pid() + "_"
                       + DATABASES.incrementAndGet());
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        created.add(name);
        return name;
    }

    /** On an external server, the databases this run created are dropped when the JVM exits. */
    private void dropCreatedDatabases() {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            for (String name : created) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        } catch (SQLException ignored) {
            // best effort: the server may already be gone
        }
    }

    /** The {@code POSTGRES_*} variables that point the service at {@code database}. */
    public Map<String, String> environment(String database) {
        Map<String, String> env = new HashMap<>();
        env.put("POSTGRES_HOST", host);
        env.put("POSTGRES_PORT", Integer.toString(port));
        env.put("POSTGRES_DATABASE", database);
        env.put("POSTGRES_USER", user);
        env.put("POSTGRES_PASSWORD", password);
        env.put("POSTGRES_SSL", "false");
        return env;
    }

    /** The service's settings (default pool and timeouts) for {@code database}. */
    public DatabaseSettings settings(String database) {
        return DatabaseConfiguration.read(environment(database), DatabaseSettings.PoolSettings.from(ServiceConfig.of(Map.of()).get("db"))).settings()
                .orElseThrow();
    }

    /** Applies the pending scripts of {@code repository} to {@code database}, as {@code migrate up} does. */
    public List<Script> migrate(String database, Path repository) throws SQLException {
        DatabaseSettings settings = settings(database);
        return new Migrator(repository).up(settings.migrationConnections(), waits(settings));
    }

    /** How tests wait for the migration lock: as the service does, silently. */
    public static MigrationLock.Waits waits(DatabaseSettings settings) {
        return MigrationLock.Waits.of(settings, settings.pool().lockPatience(), waiting -> { });
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, properties);
    }

    /** The first column of the first row of {@code sql} in {@code database}, as text (null for SQL NULL). */
    public String queryValue(String database, String sql) throws SQLException {
        try (Connection connection = connect(database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            if (!rows.next()) {
                throw new AssertionError("no row for: " + sql);
            }
            return rows.getString(1);
        }
    }

    /** Runs {@code sql} (one statement, no result wanted) in {@code database}. */
    public void execute(String database, String sql) throws SQLException {
        try (Connection connection = connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** {@link #queryValue} for a count. */
    public long queryCount(String database, String sql) throws SQLException {
        return Long.parseLong(queryValue(database, sql));
    }

    /** A role, a user, an OAuth client and one access token per expiry offset (e.g. "-1 day"), for token tests. */
    public void insertAccessTokens(String database, String... expiresIn) throws SQLException {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO roles (id, name) VALUES ('r1', 'global_user')");
            statement.execute("INSERT INTO users (id, username, email, role_id) VALUES ('u1', 'ada', 'ada@x', 'r1')");
            statement.execute("INSERT INTO oauth_clients (id, client_name) VALUES ('c1', 'cli')");
            for (int i = 0; i < expiresIn.length; i++) {
                statement.execute("INSERT INTO oauth_access_tokens (token_hash, client_id, user_id, expires_at)"
                                  + " VALUES ('h" + (i + 1) + "', 'c1', 'u1', now() + interval '" + expiresIn[i] + "')");
            }
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }
}
