package com.deploystack.backend.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.deploystack.backend.support.TestPostgres;

/** Runs wrk and pgbench (Debian's packages) and reads their figures. */
final class LoadTools {

    /** Requests (or transactions) per second and the 99th percentile latency in milliseconds (-1 when unknown). */
    record Figures(double perSecond, double p99Millis) {
    }

    private LoadTools() {
    }

    /**
     * A benchmark setting from the environment ({@code BENCH_RUNS=3 mvn -Pbench …}): the bench profile runs
     * the benchmark in a JVM of its own, which Maven's {@code -D} properties do not reach.
     */
    static String setting(String variable, String otherwise) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? otherwise : value.strip();
    }

    static int setting(String variable, int otherwise) {
        return Integer.parseInt(setting(variable, Integer.toString(otherwise)));
    }

    static Figures wrk(String url, int threads, int connections, int seconds, String... headers) throws Exception {
        List<String> command = new ArrayList<>(List.of("wrk", "--latency", "-t" + threads, "-c" + connections,
                                                       "-d" + seconds + "s"));
        for (String header : headers) {
            command.add("-H");
            command.add(header);
        }
        command.add(url);
        String output = run(command, null);
        double perSecond = number(output, "Requests/sec:\\s+([\\d.]+)");
        Matcher p99 = Pattern.compile("99%\\s+([\\d.]+)(us|ms|s)").matcher(output);
        double p99Millis = -1;
        if (p99.find()) {
            double value = Double.parseDouble(p99.group(1));
            p99Millis = switch (p99.group(2)) {
                case "us" -> value / 1000;
                case "s" -> value * 1000;
                default -> value;
            };
        }
        if (output.contains("Non-2xx or 3xx responses")) {
            throw new IllegalStateException("wrk saw error responses:\n" + output);
        }
        return new Figures(perSecond, p99Millis);
    }

    static Figures pgbenchSelectOnly(TestPostgres postgres, int clients, int threads, int seconds) throws Exception {
        String database = postgres.createDatabase("pgbench");
        List<String> connection = List.of("-h", postgres.host(), "-p", Integer.toString(postgres.port()), "-U", "postgres");
        List<String> init = new ArrayList<>(List.of("pgbench", "-i", "-q", "-s", "1"));
        init.addAll(connection);
        init.add(database);
        run(init, TestPostgres.PASSWORD);
        List<String> bench = new ArrayList<>(List.of("pgbench", "-S", "-n", "-c", Integer.toString(clients),
                                                     "-j", Integer.toString(threads), "-T", Integer.toString(seconds)));
        bench.addAll(connection);
        bench.add(database);
        String output = run(bench, TestPostgres.PASSWORD);
        return new Figures(number(output, "tps = ([\\d.]+)"), -1);
    }

    /**
     * pgbench running {@code script} (a custom script, {@code -f}) against {@code database} at {@code host:port} as
     * {@code postgres}: transactions per second, and pgbench's average latency in milliseconds (it has no p99).
     */
    static Figures pgbenchScript(String host, int port, String database, Path script, int clients, int threads,
                                 int seconds) throws Exception {
        List<String> bench = new ArrayList<>(List.of("pgbench", "-n", "-f", script.toString(), "-c",
                                                     Integer.toString(clients), "-j", Integer.toString(threads), "-T",
                                                     Integer.toString(seconds), "-h", host, "-p",
                                                     Integer.toString(port), "-U", "postgres", database));
        String output = run(bench, TestPostgres.PASSWORD);
        return new Figures(number(output, "tps = ([\\d.]+)"), number(output, "latency average = ([\\d.]+) ms"));
    }

    private static String run(List<String> command, String password) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (password != null) {
            builder.environment().put("PGPASSWORD", password);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command.getFirst() + " failed:\n" + output);
        }
        return output;
    }

    private static double number(String output, String pattern) {
        Matcher matcher = Pattern.compile(pattern).matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("no match for " + pattern + " in:\n" + output);
        }
        return Double.parseDouble(matcher.group(1));
    }
}
