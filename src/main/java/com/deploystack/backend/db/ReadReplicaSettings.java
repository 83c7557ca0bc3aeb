package com.deploystack.backend.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.config.Config;

/**
 * The read replicas ({@code POSTGRES_READ_*}): one {@link DatabaseSettings} per streaming replica of the primary, with
 * the primary's database, TLS and pool settings and its login unless {@code POSTGRES_READ_USER} /
 * {@code POSTGRES_READ_PASSWORD} say otherwise, and the rules of where a read may go ({@code db.read.*}).
 *
 * @param servers  one per host of {@code POSTGRES_READ_HOST}; empty: every read on the primary
 * @param maxLag   a read without {@code X-DeployStack-LSN} goes to a replica at most this far behind
 *                 ({@code POSTGRES_READ_MAX_LAG})
 * @param lsnWait  a read with {@code X-DeployStack-LSN} waits this long for a replica to replay that far, then reads
 *                 the primary ({@code db.read.wait})
 * @param interval how often each replica is checked ({@code db.read.interval}); a failed check skips it
 * @param checkTimeout how long a check may wait for an answer ({@code db.read.timeout})
 * @param problems malformed variables, each named; the database is then unconfigured
 */
public record ReadReplicaSettings(List<DatabaseSettings> servers, Duration maxLag, Duration lsnWait, Duration interval,
                                  Duration checkTimeout, List<String> problems) {

    public static final String HOST = "POSTGRES_READ_HOST";
    public static final String PORT = "POSTGRES_READ_PORT";
    public static final String USER = "POSTGRES_READ_USER";
    public static final String PASSWORD = "POSTGRES_READ_PASSWORD";
    public static final String MAX_LAG = "POSTGRES_READ_MAX_LAG";
    public static final List<String> VARIABLES = List.of(HOST, PORT, USER, PASSWORD, MAX_LAG);

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s)?");

    public ReadReplicaSettings {
        servers = List.copyOf(servers);
        problems = List.copyOf(problems);
    }

    /** No replica: every read on the primary. */
    public static ReadReplicaSettings none() {
        return new ReadReplicaSettings(List.of(), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(250),
                                       Duration.ofMillis(500), List.of());
    }

    /**
     * The replicas of {@code configuration}'s primary named by the environment; {@code read} holds the
     * {@code db.read.*} keys. The embedded PostgreSQL has no replicas: the variables are then a problem.
     */
    public static ReadReplicaSettings read(Map<String, String> env, DatabaseConfiguration configuration, Config read) {
        List<String> problems = new ArrayList<>();
        Duration maxLag = value(env, MAX_LAG).map(raw -> duration(raw, problems))
                .orElseGet(() -> millis(read, "lag"));
        Duration lsnWait = millis(read, "wait");
        Duration interval = millis(read, "interval");
        Duration checkTimeout = millis(read, "timeout");
        Optional<String> hosts = value(env, HOST);
        if (hosts.isEmpty()) {
            VARIABLES.stream().filter(name -> !name.equals(MAX_LAG) && value(env, name).isPresent())
                    .forEach(name -> problems.add(name + " is set but " + HOST + " is not"));
            return new ReadReplicaSettings(List.of(), maxLag, lsnWait, interval, checkTimeout, problems);
        }
        if (configuration.mode() == DatabaseConfiguration.Mode.EMBEDDED) {
            problems.add(HOST + " needs an external primary (POSTGRES_HOST and the other POSTGRES_* variables);"
                         + " the embedded PostgreSQL has no replicas");
        }
        List<DatabaseSettings> servers = new ArrayList<>();
        Optional<DatabaseSettings> primary = configuration.settings().filter(ignored -> problems.isEmpty());
        int port = value(env, PORT).map(raw -> port(raw, problems))
                .orElseGet(() -> primary.map(DatabaseSettings::port).orElse(DatabaseConfiguration.DEFAULT_PORT));
        for (String host : hosts.get().split(",")) {
            String name = host.strip();
            if (!name.matches("[\\p{Alnum}.:_\\[\\]%-]+")) {
                problems.add(HOST + " must be comma-separated host names or IP addresses, got '" + printable(name) + "'");
                continue;
            }
            primary.ifPresent(settings -> servers.add(new DatabaseSettings(
                    name, port, settings.database(), value(env, USER).orElse(settings.user()),
                    value(env, PASSWORD).orElse(settings.password()), settings.sslMode(), settings.sslRootCert(),
                    settings.pool(), settings.pgbouncer())));
        }
        if (value(env, USER).isPresent() && value(env, PASSWORD).isEmpty()) {
            problems.add(USER + " is set without " + PASSWORD);
        }
        return new ReadReplicaSettings(problems.isEmpty() ? servers : List.of(), maxLag, lsnWait, interval,
                                       checkTimeout, problems);
    }

    /** {@code configuration}, unconfigured with these problems added when there are any. */
    public DatabaseConfiguration applyTo(DatabaseConfiguration configuration) {
        if (problems.isEmpty()) {
            return configuration;
        }
        List<String> invalid = new ArrayList<>(configuration.invalid());
        invalid.addAll(problems);
        return new DatabaseConfiguration(configuration.mode(), Optional.empty(), configuration.missing(), invalid);
    }

    private static Duration millis(Config read, String key) {
        return Duration.ofMillis(read.get(key).asLong().get());
    }

    /** Milliseconds, or with a unit: {@code 500ms}, {@code 2s}. */
    private static Duration duration(String raw, List<String> problems) {
        Matcher matcher = DURATION.matcher(raw);
        if (!matcher.matches()) {
            problems.add(MAX_LAG + " must be milliseconds, or a whole number with ms or s (2s), got '"
                         + printable(raw) + "'");
            return Duration.ofSeconds(2);
        }
        long amount = Long.parseLong(matcher.group(1));
        return "s".equals(matcher.group(2)) ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
    }

    private static int port(String raw, List<String> problems) {
        try {
            int port = Integer.parseInt(raw);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(PORT + " must be a whole number from 1 to 65535, got '" + printable(raw) + "'");
        return DatabaseConfiguration.DEFAULT_PORT;
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static String printable(String value) {
        String shown = value.length() > 32 ? value.substring(0, 32) + "…" : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
