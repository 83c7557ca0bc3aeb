package com.deploystack.backend.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A scrape of {@code /observe/metrics} read as Prometheus' text format 0.0.4 says: one sample a line,
 * {@code name{label="value",…} number}, comments starting with {@code #}. Label values are read with their escapes
 * ({@code \"}, {@code \\}, {@code \n}), so that a route template's braces ({@code /api/teams/{id}}) do not confuse it.
 */
public final class PrometheusText {

    /** One line of the scrape. */
    public record Sample(String name, Map<String, String> labels, double value) {

        public String label(String key) {
            return labels.getOrDefault(key, "");
        }
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line.strip()));
            }
        }
        return new PrometheusText(samples);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The samples named {@code name} whose labels include every pair of {@code labels} (name, value, name, value…). */
    public List<Sample> all(String name, String... labels) {
        Predicate<Sample> matches = sample -> sample.name().equals(name);
        for (int i = 0; i + 1 < labels.length; i += 2) {
            String key = labels[i];
            String value = labels[i + 1];
            matches = matches.and(sample -> value.equals(sample.labels().get(key)));
        }
        return samples.stream().filter(matches).toList();
    }

    /** The one sample named {@code name} with {@code labels}, when the scrape has it. */
    public Optional<Sample> find(String name, String... labels) {
        List<Sample> found = all(name, labels);
        if (found.size() > 1) {
            throw new AssertionError(found.size() + " samples match " + name + " " + List.of(labels) + ": " + found);
        }
        return found.stream().findFirst();
    }

    /** The value of the one sample named {@code name} with {@code labels}; 0 when the scrape has none. */
    public double value(String name, String... labels) {
        return find(name, labels).map(Sample::value).orElse(0.0);
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (brace < 0 || brace > space) {
            return new Sample(line.substring(0, space), Map.of(), number(line.substring(space + 1)));
        }
        String name = line.substring(0, brace);
        Map<String, String> labels = new LinkedHashMap<>();
        int i = brace + 1;
        while (line.charAt(i) != '}') {
            int equals = line.indexOf('=', i);
            String key = line.substring(i, equals).strip();
            if (line.charAt(equals + 1) != '"') {
                throw new IllegalArgumentException("Label " + key + " without a quoted value: " + line);
            }
            StringBuilder value = new StringBuilder();
            int j = equals + 2;
            for (char c = line.charAt(j); c != '"'; c = line.charAt(++j)) {
                if (c == '\\') {
                    char escaped = line.charAt(++j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            labels.put(key, value.toString());
            i = j + 1;
            while (line.charAt(i) == ',' || line.charAt(i) == ' ') {
                i++;
            }
        }
        String rest = line.substring(i + 1).strip();
        int end = rest.indexOf(' ');
        return new Sample(name, labels, number(end < 0 ? rest : rest.substring(0, end)));
    }

    private static double number(String text) {
        return switch (text.strip()) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text.strip());
        };
    }
}
