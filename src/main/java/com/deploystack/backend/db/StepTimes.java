package com.deploystack.backend.db;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** How long each step of an initialization took, for the log line that ends it ("Ready in … ms since …"). */
final class StepTimes {

    private final Map<String, Long> millis = new LinkedHashMap<>();
    private long since = System.nanoTime();

    /** The step that ran since the previous one (or since creation) is done. */
    void done(Step step) {
        long now = System.nanoTime();
        millis.merge(step.label(), (now - since) / 1_000_000, Long::sum);
        since = now;
    }

    /** "Ready in 812 ms since the JVM started; migrations 21 ms, settings 103 ms, …". */
    @Override
    public String toString() {
        return "Ready in " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms since the JVM started; "
               + millis.entrySet().stream().map(step -> step.getKey() + " " + step.getValue() + " ms")
                       .collect(Collectors.joining(", "));
    }
}
