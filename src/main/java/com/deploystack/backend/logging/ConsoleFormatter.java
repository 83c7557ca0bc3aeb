package com.deploystack.backend.logging;

import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * The console handler's formatter (named in {@code logging.properties}): the format {@code LOG_FORMAT} asks
 * for. Chosen when logging is configured, so that the very first line of the process is in that format too.
 */
public final class ConsoleFormatter extends Formatter {

    private final Formatter format = LogFormat.parse(System.getenv(LogFormat.VARIABLE))
            .orElse(LogFormat.TEXT).formatter();

    @Override
    public String format(LogRecord record) {
        return format.format(record);
    }
}
