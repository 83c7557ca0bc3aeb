package com.deploystack.backend.support;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged service ({@code java -jar target/deploystack-db.jar}) as a child process: what users run. */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final int port;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the jar in the project directory with {@code env} (plus PATH) and its data in {@code data}. */
    public static ServiceProcess start(Map<String, String> env, Path data, String... args) {
        return start(env, data, Neighbour.freePort(), args);
    }

    /** Starts the jar on {@code port}: a restart on the port a load balancer knows. */
    public static ServiceProcess start(Map<String, String> env, Path data, int port, String... args) {
        return start(env, data, port, command(env, args));
    }

    /** Starts the jar under {@code ulimit -n openFiles}: a process that may open only so many files. */
    public static ServiceProcess startWithFileLimit(Map<String, String> env, Path data, int openFiles) {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + openFiles + " && exec \"$@\"", "bash"));
        command.addAll(command(env).command());
        return start(env, data, Neighbour.freePort(), command(env).command(command));
    }

    private static ServiceProcess start(Map<String, String> env, Path data, int port, ProcessBuilder builder) {
        try {
            Path log = Files.createTempFile(data.getParent(), "service", ".log");
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("SERVER_PORT", Integer.toString(port));
            builder.environment().put("PATHS_DATA", data.toString());
            return new ServiceProcess(builder.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a command-line run printed and returned. */
    public record Result(int exitCode, String output) {
    }

    /** Runs the jar with {@code args} (e.g. {@code migrate status}) to completion. */
    public static Result run(Map<String, String> env, Duration timeout, String... args) {
        try {
            Path log = Files.createTempFile("command", ".log");
            Process process = command(env, log, args).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("command " + List.of(args) + " did not finish within " + timeout);
            }
            String output = Files.readString(log);
            Files.delete(log);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the jar with {@code args} without waiting; the caller waits or kills. */
    public static Process launch(Map<String, String> env, Path log, String... args) throws IOException {
        return command(env, log, args).start();
    }

    private static ProcessBuilder command(Map<String, String> env, Path log, String... args) {
        return command(env, args).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    private static ProcessBuilder command(Map<String, String> env, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("POSTGRES_") || name.startsWith("TEST_"));
        builder.environment().putAll(env);
        return builder;
    }

    public static Path jar() {
        return Path.of(System.getProperty("service.jar", "target/deploystack-db.jar"));
    }

    /** Waits until the HTTP server answers (the status endpoint, in any phase). */
    public ServiceProcess awaitHttp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("service exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                if (get("/api/health").statusCode() == 200) {
                    return this;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            TestService.sleep(100);
        }
        throw new AssertionError("service did not answer within " + timeout + ":\n" + output());
    }

    public int port() {
        return port;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    public HttpResponse<String> setup() {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/db/setup"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"postgresql\"}")));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends SIGTERM and waits for the process to exit; returns its exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("service did not exit within " + timeout + " of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /** Sends SIGTERM without waiting: the test watches what the service does while it drains. */
    public void signalTerminate() {
        process.destroy();
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, as when a container is killed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** The first group of {@code pattern} in the output, waiting for it to appear. */
    public String awaitOutput(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = pattern.matcher(output());
            if (matcher.find()) {
                return matcher.groupCount() > 0 ? matcher.group(1) : matcher.group();
            }
            TestService.sleep(100);
        }
        throw new AssertionError("output never matched " + pattern + ":\n" + output());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
