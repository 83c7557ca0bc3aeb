package com.deploystack.backend.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real neighbour of the service (Debian's nginx, HAProxy, PgBouncer…) run by a test as its own child process,
 * with a configuration file the test writes, on free loopback ports. When the binary is missing the test is
 * skipped with the command that installs it, unless {@code -Dneighbours.required=true} (as {@code .ci/run}
 * sets), where a missing neighbour fails the build.
 */
public final class Neighbour implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private Neighbour(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The binary, or the test is skipped (failed under {@code neighbours.required}) naming the package. */
    public static Path require(Path binary, String debianPackage) {
        if (!Files.isExecutable(binary)) {
            String message = binary + " is missing: install Debian's " + debianPackage + " package (apt-get install -y "
                             + debianPackage + "); .ci/run installs it";
            if (Boolean.getBoolean("neighbours.required")) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return binary;
    }

    /** nginx in the foreground with {@code httpBlock} as the content of its {@code http} context. */
    public static Neighbour nginx(Path directory, String httpBlock, int port) {
        Path nginx = require(Path.of("/usr/sbin/nginx"), "nginx");
        String config = "daemon off;\nworker_processes 1;\npid " + directory.resolve("nginx.pid") + ";\n"
                        + "error_log " + directory.resolve("error.log") + " warn;\n"
                        + "events { worker_connections 4096; }\n"
                        + "http {\n    access_log off;\n" + httpBlock + "\n}\n";
        Path file = write(directory.resolve("nginx.conf"), config);
        return start("nginx", List.of(nginx.toString(), "-e", "stderr", "-p", directory.toString(), "-c", file.toString()),
                     directory, port);
    }

    /** HAProxy in the foreground with {@code config}. */
    public static Neighbour haproxy(Path directory, String config, int port) {
        Path haproxy = require(Path.of("/usr/sbin/haproxy"), "haproxy");
        Path file = write(directory.resolve("haproxy.cfg"), config);
        return start("haproxy", List.of(haproxy.toString(), "-db", "-f", file.toString()), directory, port);
    }

    /** Prometheus with {@code config} (its {@code prometheus.yml}), its data in {@code directory}, on {@code port}. */
    public static Neighbour prometheus(Path directory, String config, int port) {
        Path prometheus = require(Path.of("/usr/bin/prometheus"), "prometheus");
        Path file = write(directory.resolve("prometheus.yml"), config);
        return start("prometheus", List.of(prometheus.toString(), "--config.file=" + file,
                                           "--storage.tsdb.path=" + directory.resolve("data"),
                                           "--web.listen-address=127.0.0.1:" + port), directory, port);
    }

    /**
     * PgBouncer in the foreground with {@code ini} (ending in its {@code [pgbouncer]} section, to which the Unix
     * socket and connection logging are added as off), listening on {@code port}; {@code AUTH_FILE} in it names
     * {@code users}. PgBouncer refuses to run as root: under root it runs as {@code postgres} (or {@code nobody}).
     */
    public static Neighbour pgbouncer(String ini, String users, int port) {
        Path pgbouncer = require(Path.of("/usr/sbin/pgbouncer"), "pgbouncer");
        try {
            Path directory = Files.createTempDirectory("pgbouncer");
            Path authFile = write(directory.resolve("users.txt"), users);
            Path file = write(directory.resolve("pgbouncer.ini"),
                              ini.replace("AUTH_FILE", authFile.toString())
                              + "unix_socket_dir =\nlog_connections = 0\nlog_disconnections = 0\n");
            for (Path path : List.of(directory, authFile, file)) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                        Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
            List<String> command = new ArrayList<>();
            if ("root".equals(System.getProperty("user.name"))) {
                String user = Files.exists(Path.of("/var/lib/postgresql")) ? "postgres" : "nobody";
                command.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user.replace("nobody", "nogroup"),
                                       "--clear-groups"));
            }
            command.addAll(List.of(pgbouncer.toString(), file.toString()));
            return start("pgbouncer", command, directory, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Neighbour start(String name, List<String> command, Path directory, int port) {
        try {
            Path log = directory.resolve(name + ".log");
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            Neighbour neighbour = new Neighbour(name, process, log);
            neighbour.awaitPort(port, Duration.ofSeconds(15));
            return neighbour;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitPort(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + output());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                TestService.sleep(50);
            }
        }
        throw new AssertionError(name + " did not listen on " + port + " within " + timeout + ":\n" + output());
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** A free loopback port. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
