package com.deploystack.backend.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL primary and one streaming replica of the test's own, with Debian's binaries
 * ({@code /usr/lib/postgresql/15/bin}: {@code initdb}, {@code pg_ctl}, {@code pg_basebackup -R}), on free loopback
 * ports, trust authentication. The embedded (zonky) binaries have no {@code pg_basebackup}. Under root the servers
 * run as {@code postgres} ({@code setpriv}), as PostgreSQL refuses root. Without the binaries the test is skipped
 * ({@link Neighbour#require}).
 */
public final class StreamingReplica implements AutoCloseable {

    /** Debian's newest installed PostgreSQL (the {@code postgresql} package: 15 on Debian 12). */
    private static final Path BIN = newestDebianPostgres();

    private final Path base;
    private final Path primary;
    private final Path replica;
    private final int primaryPort;
    private final int replicaPort;

    private StreamingReplica(Path base, int primaryPort, int replicaPort) {
        this.base = base;
        this.primary = base.resolve("primary");
        this.replica = base.resolve("replica");
        this.primaryPort = primaryPort;
        this.replicaPort = replicaPort;
    }

    private static Path newestDebianPostgres() {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("pg_basebackup")))
                    .max(Comparator.comparingInt(bin -> Integer.parseInt(bin.getParent().getFileName().toString()
                                                                             .replaceAll("\\D", "0"))))
                    .orElse(Path.of("/usr/lib/postgresql/15/bin"));
        } catch (IOException missing) {
            return Path.of("/usr/lib/postgresql/15/bin");
        }
    }

    /** A primary with a database {@code deploystack}, and a replica of it replaying. */
    public static StreamingReplica start() {
        for (String binary : List.of("initdb", "pg_ctl", "pg_basebackup")) {
            Neighbour.require(BIN.resolve(binary), "postgresql");
        }
        try {
            Path base = Files.createTempDirectory("streaming-replica");
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));
            StreamingReplica servers = new StreamingReplica(base, Neighbour.freePort(), Neighbour.freePort());
            servers.startPrimary();
            return servers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startPrimary() {
        run(BIN.resolve("initdb").toString(), "-D", primary.toString(), "-U", "postgres", "--auth=trust",
            "--no-sync", "-E", "UTF8", "--locale=C");
        append(primary.resolve("postgresql.conf"), "port = " + primaryPort + "\nlisten_addresses = '127.0.0.1'\n"
               + "unix_socket_directories = '" + base + "'\nwal_level = replica\nmax_wal_senders = 5\n"
               + "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        startPrimaryAgain();
        execute(primaryPort, "postgres", "CREATE DATABASE deploystack");
        run(BIN.resolve("pg_basebackup").toString(), "-D", replica.toString(), "-R", "-X", "stream", "-c", "fast",
            "-h", "127.0.0.1", "-p", Integer.toString(primaryPort), "-U", "postgres");
        append(replica.resolve("postgresql.conf"), "port = " + replicaPort + "\nhot_standby = on\n");
        startReplica();
    }

    public void startPrimaryAgain() {
        run(BIN.resolve("pg_ctl").toString(), "-D", primary.toString(), "-l", base.resolve("primary.log").toString(),
            "-w", "-t", "30", "start");
    }

    public void stopPrimary() {
        run(BIN.resolve("pg_ctl").toString(), "-D", primary.toString(), "-m", "immediate", "-w", "stop");
    }

    public void startReplica() {
        run(BIN.resolve("pg_ctl").toString(), "-D", replica.toString(), "-l", base.resolve("replica.log").toString(),
            "-w", "-t", "30", "start");
    }

    public void stopReplica() {
        run(BIN.resolve("pg_ctl").toString(), "-D", replica.toString(), "-m", "immediate", "-w", "stop");
    }

    /** Freezes the replica, its postmaster and every backend (SIGSTOP): it accepts connections and answers nothing. */
    public void freezeReplica() {
        Postmaster.signal(replica, "STOP");
    }

    /** Lets a frozen replica run on (SIGCONT). */
    public void thawReplica() {
        Postmaster.signal(replica, "CONT");
    }

    /** The replica stops applying WAL (it still receives it): it falls behind from the next write on. */
    public void pauseReplay() {
        execute(replicaPort, "deploystack", "SELECT pg_wal_replay_pause()");
    }

    public void resumeReplay() {
        execute(replicaPort, "deploystack", "SELECT pg_wal_replay_resume()");
    }

    public int primaryPort() {
        return primaryPort;
    }

    public int replicaPort() {
        return replicaPort;
    }

    /** A connection to the primary's {@code deploystack} database. */
    public Connection primary() throws SQLException {
        return connect(primaryPort, "deploystack");
    }

    /** A connection to the replica's {@code deploystack} database. */
    public Connection replica() throws SQLException {
        return connect(replicaPort, "deploystack");
    }

    /** The service's {@code POSTGRES_*} variables: the primary, and the replica as its read replica. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("POSTGRES_HOST", "127.0.0.1");
        env.put("POSTGRES_PORT", Integer.toString(primaryPort));
        env.put("POSTGRES_DATABASE", "deploystack");
        env.put("POSTGRES_USER", "postgres");
        env.put("POSTGRES_PASSWORD", TestPostgres.PASSWORD);
        env.put("POSTGRES_READ_HOST", "127.0.0.1");
        env.put("POSTGRES_READ_PORT", Integer.toString(replicaPort));
        return env;
    }

    private static Connection connect(int port, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", "unused");
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, properties);
    }

    private static void execute(int port, String database, String sql) {
        try (Connection connection = connect(port, database); Statement statement = connection.createStatement()) {
            if (statement.execute(sql)) {
                try (ResultSet ignored = statement.getResultSet()) {
                    // the function's void result
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " on port " + port + " failed", e);
        }
    }

    private void run(String... command) {
        List<String> line = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            line.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups"));
        }
        line.addAll(List.of(command));
        try {
            Path log = Files.createTempFile(base, "command", ".log");
            Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-rw-rw-"));
            Process process = new ProcessBuilder(line).directory(base.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(line + " did not finish within 60 s:\n" + Files.readString(log));
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(line + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void append(Path file, String lines) {
        try {
            Files.writeString(file, Files.readString(file) + "\n" + lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (Files.exists(replica.resolve("postmaster.pid"))) {
            try {
                thawReplica();
            } catch (RuntimeException e) {
                // not frozen, or already gone
            }
        }
        for (Path data : List.of(replica, primary)) {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                try {
                    run(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
                } catch (AssertionError | RuntimeException e) {
                    // best effort: the data directory goes anyway
                }
            }
        }
        try (var files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory: best effort
        }
    }
}
