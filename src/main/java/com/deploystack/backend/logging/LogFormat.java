package com.deploystack.backend.logging;

import java.util.Locale;
import java.util.Optional;
import java.util.logging.Formatter;
import java.util.logging.SimpleFormatter;

/** {@code LOG_FORMAT}: {@code text} (default, one readable line per event) or {@code json} (one object per line). */
public enum LogFormat {
    TEXT, JSON;

    public static final String VARIABLE = "LOG_FORMAT";

    /** The format {@code value} names; empty when it names none (unset or blank means text). */
    public static Optional<LogFormat> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(TEXT);
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> Optional.of(TEXT);
            case "json" -> Optional.of(JSON);
            default -> Optional.empty();
        };
    }

    /** A new formatter of this format; text follows {@code java.util.logging.SimpleFormatter.format}. */
    public Formatter formatter() {
        return this == JSON ? new JsonLogFormatter() : new SimpleFormatter();
    }

    /** Logs a warning naming the variable when {@code value} is neither {@code text} nor {@code json}. */
    public static void warnIfUnknown(String value) {
        if (parse(value).isEmpty()) {
            System.getLogger(LogFormat.class.getName()).log(System.Logger.Level.WARNING,
                    VARIABLE + " must be 'text' or 'json', got '" + value.replaceAll("\\p{Cntrl}", "?")
                    + "'; logging as text");
        }
    }
}
