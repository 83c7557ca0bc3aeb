package com.deploystack.backend.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A PostgreSQL of one test's own that the test can stop and start again on the same port and data. */
public final class StoppablePostgres implements AutoCloseable {

    private final Path data;
    private final int port;
    private EmbeddedPostgres postgres;
    private volatile boolean frozen;

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
        } catch (SQLException e) {
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

    /** Freezes the server, its postmaster and every backend (SIGSTOP): it accepts connections and answers nothing. */
    public void freeze() {
        Postmaster.signal(data, "STOP");
        frozen = true;
    }

    /** Lets a frozen server run on (SIGCONT). */
    public void thaw() {
        Postmaster.signal(data, "CONT");
        frozen = false;
    }

    /**
     * Makes the server check the passwords of every role but the superuser (SCRAM), as a real deployment does: the
     * embedded server trusts every local login.
     */
    public void checkPasswords() {
        try {
            Files.writeString(data.resolve("pg_hba.conf"), """
                    local all postgres trust
                    host all postgres 127.0.0.1/32 trust
                    host all postgres ::1/128 trust
                    local all all scram-sha-256
                    host all all 127.0.0.1/32 scram-sha-256
                    host all all ::1/128 scram-sha-256
                    """);
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_reload_conf()");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code sql} as the superuser in the {@code deploystack} database; returns the first column of its first row. */
    public String query(String sql) {
        try (Connection connection = postgres.getDatabase("postgres", "deploystack").getConnection();
             Statement statement = connection.createStatement()) {
            if (!statement.execute(sql)) {
                return null;
            }
            try (var rows = statement.getResultSet()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
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
        if (frozen) {
            thaw();
        }
        stop();
        try (var files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: best effort
        }
    }
}
