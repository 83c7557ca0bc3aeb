package com.deploystack.backend.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started as a child process from the project's runtime classpath ({@code target/classes},
 * {@code target/libs/*}, plus {@code target/test-classes} for the baseline), the same for the service and
 * the baseline, with the same JVM flags ({@code BENCH_JVM_FLAGS="…"}, none by default).
 */
final class ChildJvm implements AutoCloseable {

    static final String SERVICE = "com.deploystack.backend.Main";
    static final String BASELINE = HelloWorldBaseline.class.getName();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Process process;
    private final int port;
    private final long startedNanos;
    private final Path log;

    private ChildJvm(Process process, int port, long startedNanos, Path log) {
        this.process = process;
        this.port = port;
        this.startedNanos = startedNanos;
        this.log = log;
    }

    /** Starts {@code mainClass} in the project directory on a free port with {@code env} added. */
    static ChildJvm start(String mainClass, Map<String, String> env) throws IOException {
        Path libs = Path.of("target", "libs");
        if (!Files.isDirectory(libs) || !Files.isDirectory(Path.of("target", "classes"))) {
            throw new IllegalStateException("target/classes and target/libs are missing: run mvn -B package -DskipTests");
        }
        String classpath = String.join(File.pathSeparator, "target/test-classes", "target/classes",
                                       "target/libs/*");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String flags = LoadTools.setting("BENCH_JVM_FLAGS", "");
        if (!flags.isEmpty()) {
            command.addAll(List.of(flags.split("\\s+")));
        }
        command.addAll(List.of("-cp", classpath, mainClass));
        int port = freePort();
        Path log = Files.createTempFile("bench-child", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("POSTGRES_") || name.startsWith("TEST_"));
        builder.environment().putAll(env);
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("SERVER_HOST", "127.0.0.1");
        long started = System.nanoTime();
        return new ChildJvm(builder.start(), port, started, log);
    }

    /** Polls {@code path} every 5 ms until it answers 200; returns the milliseconds since the JVM was started. */
    double awaitFirst200(String path, Duration timeout) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(5)).build();
        long deadline = startedNanos + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("child exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1e6;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(path + " did not answer 200 within " + timeout + ":\n" + Files.readString(log));
    }

    /** {@code POST /api/db/setup}; fails unless it answers 200. */
    void setup() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("/api/db/setup")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"postgresql\"}"))
                .build();
        int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200) {
            throw new IllegalStateException("setup answered " + status);
        }
    }

    /** What the child has logged so far. */
    String output() throws IOException {
        return Files.readString(log);
    }

    /** The CPU time the child has used so far, all its threads (the JIT's compilers too), in milliseconds. */
    double cpuMillis() {
        return process.toHandle().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("no CPU time for " + process.pid())).toNanos() / 1e6;
    }

    /** The resident set size of the child, from {@code /proc/<pid>/status}, in MiB. */
    double rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS for " + process.pid());
    }

    int port() {
        return port;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** SIGTERM, then SIGKILL when the child has not exited within 30 s. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        Files.deleteIfExists(log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
