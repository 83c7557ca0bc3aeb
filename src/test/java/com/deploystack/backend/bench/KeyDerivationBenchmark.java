package com.deploystack.backend.bench;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * One PBKDF2-HMAC-SHA256 derivation of 600,000 rounds in a cold JVM, as at every start of a service with a chosen
 * secret: the service's own loop ({@code KeyDerivation.pbkdf2}) against the JDK's {@code PBKDF2WithHmacSHA256}, each
 * in child JVMs started alternately from the same classpath. Prints the medians of the derivation's wall time, the
 * whole process's CPU time (the JIT's compiler threads included) and the bytes the deriving thread allocated.
 * See BENCHMARKS.md.
 */
public final class KeyDerivationBenchmark {

    private static final int RUNS = LoadTools.setting("BENCH_RUNS", 9);
    private static final int ROUNDS = 600_000;
    private static final char[] SECRET = "bench-start-shared-secret-0123456789".toCharArray();
    private static final byte[] SALT = "sixteen byte slt".getBytes(StandardCharsets.UTF_8);

    private KeyDerivationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1) {
            derive(args[0]);
            return;
        }
        List<double[]> jdk = new ArrayList<>();
        List<double[]> ours = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            jdk.add(child("jdk"));
            ours.add(child("ours"));
        }
        System.out.printf("Cold derivations: %d of each, alternating, %,d rounds%n", RUNS, ROUNDS);
        System.out.printf("%-40s %12s %12s %8s%n", "what (median)", "service", "JDK", "ratio");
        String[] what = {"derivation, wall ms", "process CPU at the end, ms", "allocated by the deriving thread, MiB"};
        for (int m = 0; m < what.length; m++) {
            int column = m;
            double service = MigrationBenchmark.median(ours.stream().map(run -> run[column]).toList());
            double baseline = MigrationBenchmark.median(jdk.stream().map(run -> run[column]).toList());
            System.out.printf("%-40s %12.1f %12.1f %8.2f%n", what[m], service, baseline, service / baseline);
        }
        System.exit(0);
    }

    /** Runs one cold derivation in a child JVM and reads its three figures. */
    private static double[] child(String which) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        String flags = LoadTools.setting("BENCH_JVM_FLAGS", "");
        if (!flags.isEmpty()) {
            command.addAll(List.of(flags.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KeyDerivationBenchmark.class.getName(),
                               which));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(which + " failed:\n" + output);
        }
        String[] figures = output.lines().reduce((first, last) -> last).orElseThrow().split(" ");
        return new double[] {Double.parseDouble(figures[0]), Double.parseDouble(figures[1]),
                             Double.parseDouble(figures[2])};
    }

    /** In the child: one derivation, then "wall-ms process-cpu-ms allocated-MiB". */
    private static void derive(String which) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // KeyDerivation is package-private: the benchmark reaches it without widening the service's API
        Method pbkdf2 = Class.forName("com.deploystack.backend.settings.KeyDerivation")
                .getDeclaredMethod("pbkdf2", byte[].class, byte[].class, int.class);
        pbkdf2.setAccessible(true);
        byte[] secret = new String(SECRET).getBytes(StandardCharsets.UTF_8);
        long allocated = threads.getCurrentThreadAllocatedBytes();
        long started = System.nanoTime();
        byte[] key = which.equals("jdk")
                ? SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                        .generateSecret(new PBEKeySpec(SECRET, SALT, ROUNDS, 256)).getEncoded()
                : (byte[]) pbkdf2.invoke(null, secret, SALT, ROUNDS);
        double wall = (System.nanoTime() - started) / 1e6;
        double mib = (threads.getCurrentThreadAllocatedBytes() - allocated) / (1024.0 * 1024.0);
        if (key.length != 32) {
            throw new IllegalStateException("a " + key.length + "-byte key");
        }
        System.out.printf("%.1f %.1f %.2f%n", wall, os.getProcessCpuTime() / 1e6, mib);
    }
}
