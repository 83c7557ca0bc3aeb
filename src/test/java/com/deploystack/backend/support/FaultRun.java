package com.deploystack.backend.support;

/**
 * How long the fault-injection tests (tag {@code fault}) run: the counts by default (CI), longer
 * counts and durations with {@code -Dfault.soak=true}.
 */
public final class FaultRun {

    private FaultRun() {
    }

    public static boolean soak() {
        return Boolean.getBoolean("fault.soak");
    }

    /** {@code ci} in a bounded run, {@code soak} in a soak run. */
    public static int choose(int ci, int soak) {
        return soak() ? soak : ci;
    }

    /** Prints a figure of the suite in one recognizable line (surefire keeps it in the test's output file). */
    public static void report(String test, String figure) {
        System.out.println("[fault] " + test + (soak() ? " (soak)" : "") + ": " + figure);
    }
}
