package com.deploystack.backend.db;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import com.deploystack.backend.files.PrivateFolder;
import com.deploystack.backend.files.SecretFile;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The embedded PostgreSQL used when no {@code POSTGRES_*} variable is set: real PostgreSQL binaries from
 * Maven Central, data under {@code persistent_data/postgres}, listening on loopback only, password
 * authentication (scram-sha-256) with a password generated once into {@code persistent_data/}.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmbeddedDatabase.class.getName());
    private static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final DatabaseSettings settings;

    private EmbeddedDatabase(EmbeddedPostgres postgres, DatabaseSettings settings) {
        this.postgres = postgres;
        this.settings = settings;
    }

    /** Starts (initializing on first use) the embedded server under {@code dataDirectory}. */
    public static EmbeddedDatabase start(Path dataDirectory, int port, DatabaseSettings.PoolSettings pool)
            throws IOException {
        Path passwordFile = dataDirectory.resolve("embedded-postgres.password");
        String password = SecretFile.readOrCreate(passwordFile, 24);
        Path binaries = dataDirectory.resolve("embedded-postgres-binaries");
        Files.createDirectories(binaries);
        PrivateFolder.restrict(dataDirectory);
        new LeftoverPostgres(dataDirectory.resolve("postgres")).clear();
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory.resolve("postgres"))
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binaries.toFile())
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "100")
                // initdb: the superuser password from the file, and no trust for anyone
                .setLocaleConfig("pwfile", passwordFile.toAbsolutePath().toString())
                .setLocaleConfig("auth-host", "scram-sha-256")
                .setLocaleConfig("auth-local", "scram-sha-256")
                .setConnectConfig("password", password)
                .start();
        // the library opens its binaries folder to every user at each start; only the owner may change them
        PrivateFolder.removeOthersWrite(binaries);
        DatabaseSettings settings = new DatabaseSettings("localhost", postgres.getPort(),
                DatabaseConfiguration.DEFAULT_DATABASE, USER, password, false, pool);
        EmbeddedDatabase embedded = new EmbeddedDatabase(postgres, settings);
        try {
            embedded.createDatabaseIfMissing();
        } catch (SQLException e) {
            embedded.close();
            throw new IOException("Embedded PostgreSQL started but the database could not be created: "
                                          + e.getMessage(), e);
        }
        LOG.log(Level.INFO, "Embedded PostgreSQL listening on localhost:{0,number,#}, data in {1}, password in {2}",
                postgres.getPort(), dataDirectory.resolve("postgres"), passwordFile);
        return embedded;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    private void createDatabaseIfMissing() throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, settings.database());
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + settings.database());
            }
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
