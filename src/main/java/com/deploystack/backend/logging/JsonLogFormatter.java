package com.deploystack.backend.logging;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

/**
 * One JSON object per line for log shippers: {@code timestamp}, {@code level}, {@code logger}, {@code message},
 * and {@code exception} ({@code class}, {@code message}) when there is one. No stack trace: a line stays a line.
 */
public final class JsonLogFormatter extends Formatter {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord record) {
        JsonObjectBuilder line = Json.createObjectBuilder()
                .add("timestamp", TIMESTAMP.format(record.getInstant()))
                .add("level", record.getLevel().getName())
                .add("logger", Objects.toString(record.getLoggerName(), ""))
                .add("message", Objects.toString(formatMessage(record), ""));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            line.add("exception", Json.createObjectBuilder()
                    .add("class", thrown.getClass().getName())
                    .add("message", Objects.toString(thrown.getMessage(), "")));
        }
        return line.build() + "\n";
    }
}
