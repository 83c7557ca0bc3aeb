package com.deploystack.backend.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A PostgreSQL of one test's own that the test can stop and start again on the same port and data. */
public final class StoppablePostgres implements AutoCloseable {

    private final Path data;
    private final int port;
    private EmbeddedPostgres postgres;

    public StoppablePostgres() {
        try {
            this.data = Files.createTempDirectory("stoppable-postgres");
            try (ServerSocket socket = new ServerSocket(0)) {
                this.port = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE deploystack");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void start() {
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void stop() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("POSTGRES_HOST", "localhost");
        env.put("POSTGRES_PORT", Integer.toString(port));
        env.put("POSTGRES_DATABASE", "deploystack");
        env.put("POSTGRES_USER", "postgres");
        env.put("POSTGRES_PASSWORD", TestPostgres.PASSWORD);
        return env;
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: best effort
        }
    }
}
