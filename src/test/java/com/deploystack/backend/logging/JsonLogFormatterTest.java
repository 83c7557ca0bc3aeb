package com.deploystack.backend.logging;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class JsonLogFormatterTest {

    private final JsonLogFormatter formatter = new JsonLogFormatter();

    @Test
    void aRecordIsOneLineOfJsonWithTimestampLevelLoggerAndMessage() {
        LogRecord record = new LogRecord(Level.INFO, "Database initialized; migrations are up to date");
        record.setLoggerName("com.deploystack.backend.db.DatabaseInitializer");
        record.setInstant(Instant.parse("2025-01-02T18:22:15Z"));

        JsonObject json = parseSingleLine(formatter.format(record));

        assertThat(json.getString("timestamp"), is("2025-01-02T18:22:15.000Z"));
        assertThat(json.getString("level"), is("INFO"));
        assertThat(json.getString("logger"), is("com.deploystack.backend.db.DatabaseInitializer"));
        assertThat(json.getString("message"), is("Database initialized; migrations are up to date"));
        assertThat(json.containsKey("exception"), is(false));
    }

    @Test
    void quotesBackslashesNewlinesAndControlCharactersAreEscapedOntoOneLine() {
        String nasty = "say \"hi\"\\ to\nline two\r\tand \u0001 bell, ünïcödé ✓ and </script>";
        LogRecord record = new LogRecord(Level.WARNING, nasty);
        record.setLoggerName("test");

        String line = formatter.format(record);

        assertThat(line.indexOf('\n'), is(line.length() - 1));
        assertThat(line, not(containsString("\r")));
        assertThat(line, not(containsString("\u0001")));
        assertThat(parseSingleLine(line).getString("message"), is(nasty));
    }

    @Test
    void parametersAreFilledInAsTheTextFormatDoes() {
        LogRecord record = new LogRecord(Level.INFO,
                                         "Embedded PostgreSQL listening on localhost:{0,number,#}, data in {1}");
        record.setParameters(new Object[] {54321, "persistent_data/postgres"});
        assertThat(parseSingleLine(formatter.format(record)).getString("message"),
                   is("Embedded PostgreSQL listening on localhost:54321, data in persistent_data/postgres"));
    }

    @Test
    void anExceptionGivesItsClassAndMessageButNoStackTrace() {
        LogRecord record = new LogRecord(Level.SEVERE, "Unexpected error");
        record.setThrown(new IllegalStateException("pool \"deploystack\" closed\nat shutdown"));

        String line = formatter.format(record);
        JsonObject exception = parseSingleLine(line).getJsonObject("exception");

        assertThat(exception.getString("class"), is("java.lang.IllegalStateException"));
        assertThat(exception.getString("message"), is("pool \"deploystack\" closed\nat shutdown"));
        assertThat(line, not(containsString("JsonLogFormatterTest")));
    }

    @Test
    void aRecordWithoutMessageOrLoggerNameIsStillValidJson() {
        LogRecord record = new LogRecord(Level.FINE, null);
        record.setThrown(new RuntimeException());
        JsonObject json = parseSingleLine(formatter.format(record));
        assertThat(json.getString("message"), is(""));
        assertThat(json.getString("logger"), is(""));
        assertThat(json.getJsonObject("exception").getString("message"), is(""));
    }

    @Test
    void logFormatNamesTextOrJsonAndNothingElse() {
        assertThat(LogFormat.parse(null), is(Optional.of(LogFormat.TEXT)));
        assertThat(LogFormat.parse(" "), is(Optional.of(LogFormat.TEXT)));
        assertThat(LogFormat.parse("text"), is(Optional.of(LogFormat.TEXT)));
        assertThat(LogFormat.parse(" JSON "), is(Optional.of(LogFormat.JSON)));
        assertThat(LogFormat.parse("yaml"), is(Optional.empty()));
        assertThat(LogFormat.JSON.formatter(), instanceOf(JsonLogFormatter.class));
        assertThat(LogFormat.TEXT.formatter(), instanceOf(SimpleFormatter.class));
    }

    private static JsonObject parseSingleLine(String text) {
        assertThat(text, endsWith("\n"));
        List<String> lines = text.lines().toList();
        assertThat(text, lines.size(), is(1));
        try (JsonReader reader = Json.createReader(new StringReader(lines.getFirst()))) {
            return reader.readObject();
        }
    }
}
