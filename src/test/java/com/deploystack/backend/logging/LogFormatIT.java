package com.deploystack.backend.logging;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestPostgres;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** The packaged jar with {@code LOG_FORMAT=json}: every line it prints is one JSON object. */
class LogFormatIT {

    @TempDir
    Path work;

    @Test
    void logFormatJsonMakesTheJarPrintOneJsonObjectPerLine() throws Exception {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("logjson")));
        env.put("LOG_FORMAT", "json");
        String output;
        try (ServiceProcess service = ServiceProcess.start(env, work.resolve("data"))) {
            service.awaitHttp(Duration.ofSeconds(60));
            assertThat(service.setup().statusCode(), is(200));
            service.awaitOutput(Pattern.compile("(Database setup performed)"), Duration.ofSeconds(10));
            service.terminate(Duration.ofSeconds(30));
            output = service.output();
        }
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        List<String> messages = lines.stream().map(line -> parse(line, output).getString("message")).toList();
        assertThat(messages, hasItem(containsString("DeployStack database service listening on port")));
        assertThat(messages, hasItem(containsString("Database setup performed")));
        for (String line : lines) {
            JsonObject json = parse(line, output);
            assertThat(line, json.getString("timestamp"), Matchers.matchesPattern(
                    "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
            assertThat(line, json.containsKey("level") && json.containsKey("logger"), is(true));
        }
        assertThat(output, not(containsString(TestPostgres.PASSWORD)));
    }

    @Test
    void withoutLogFormatTheJarPrintsReadableLines() throws Exception {
        TestPostgres postgres = TestPostgres.get();
        try (ServiceProcess service = ServiceProcess.start(postgres.environment(postgres.createDatabase("logtext")),
                                                           work.resolve("data"))) {
            service.awaitHttp(Duration.ofSeconds(60));
            String line = service.awaitOutput(Pattern.compile("(.*DeployStack database service listening on port.*)"),
                                              Duration.ofSeconds(10));
            assertThat(line, Matchers.matchesPattern(
                    "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO com\\.deploystack\\.backend\\.Main: .*"));
        }
    }

    @Test
    void anUnknownLogFormatIsReportedNamingTheVariable() {
        TestPostgres postgres = TestPostgres.get();
        Map<String, String> env = new HashMap<>(postgres.environment(postgres.createDatabase("logyaml")));
        env.put("LOG_FORMAT", "yaml");
        try (ServiceProcess service = ServiceProcess.start(env, work.resolve("data"))) {
            service.awaitHttp(Duration.ofSeconds(60));
            service.awaitOutput(Pattern.compile("(WARNING .*LOG_FORMAT must be 'text' or 'json', got 'yaml')"),
                                Duration.ofSeconds(10));
        }
    }

    private static JsonObject parse(String line, String output) {
        try (JsonReader reader = Json.createReader(new StringReader(line))) {
            return reader.readObject();
        } catch (JsonException e) {
            throw new AssertionError("not a JSON object: " + line + "\nwhole output:\n" + output, e);
        }
    }
}
