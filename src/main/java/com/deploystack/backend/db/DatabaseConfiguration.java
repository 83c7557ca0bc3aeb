package com.deploystack.backend.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the environment says about the database: external settings (validated), the embedded default,
 * or the variables that are missing or malformed. Variable names and defaults are DeployStack's.
 */
public record DatabaseConfiguration(Mode mode, Optional<DatabaseSettings> settings, List<String> missing,
                                    List<String> invalid) {

    public enum Mode { EXTERNAL, EMBEDDED }

    public static final String HOST = "POSTGRES_HOST";
    public static final String PORT = "POSTGRES_PORT";
    public static final String DATABASE = "POSTGRES_DATABASE";
    public static final String USER = "POSTGRES_USER";
    public static final String PASSWORD = "POSTGRES_PASSWORD";
    public static final String SSL = "POSTGRES_SSL";
    public static final String EMBEDDED = "POSTGRES_EMBEDDED";
    public static final List<String> CONNECTION_VARIABLES = List.of(HOST, PORT, DATABASE, USER, PASSWORD, SSL);

    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 5432;
    public static final String DEFAULT_DATABASE = "deploystack";
    public static final String DEFAULT_USER = "postgres";

    public DatabaseConfiguration {
        missing = List.copyOf(missing);
        invalid = List.copyOf(invalid);
    }

    /** Settings are usable: external and valid, or embedded (whose settings exist once it runs). */
    public boolean configured() {
        return missing.isEmpty() && invalid.isEmpty();
    }

    /**
     * Reads the {@code POSTGRES_*} variables. With none of the six connection variables set (empty counts as
     * unset) and {@code POSTGRES_EMBEDDED} not {@code false}, the embedded PostgreSQL is used.
     */
    public static DatabaseConfiguration read(Map<String, String> env, DatabaseSettings.PoolSettings pool) {
        List<String> missing = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        Optional<Boolean> embeddedSwitch = bool(env, EMBEDDED, invalid);
        boolean anyConnectionVariable = CONNECTION_VARIABLES.stream().anyMatch(name -> value(env, name).isPresent());
        if (!anyConnectionVariable && embeddedSwitch.orElse(true) && invalid.isEmpty()) {
            return new DatabaseConfiguration(Mode.EMBEDDED, Optional.empty(), missing, invalid);
        }

        String host = value(env, HOST).orElse(DEFAULT_HOST);
        int port = port(env, invalid);
        String database = value(env, DATABASE).orElse(DEFAULT_DATABASE);
        String user = value(env, USER).orElse(DEFAULT_USER);
        Optional<String> password = value(env, PASSWORD);
        if (password.isEmpty()) {
            missing.add(PASSWORD);
        }
        boolean ssl = bool(env, SSL, invalid).orElse(false);
        if (database.length() > 63) {
            invalid.add(DATABASE + " must be at most 63 characters long");
        }
        Optional<DatabaseSettings> settings = missing.isEmpty() && invalid.isEmpty()
                ? Optional.of(new DatabaseSettings(host, port, database, user, password.get(), ssl, pool))
                : Optional.empty();
        return new DatabaseConfiguration(Mode.EXTERNAL, settings, missing, invalid);
    }

    /** The configuration of a running embedded PostgreSQL. */
    public static DatabaseConfiguration embedded(DatabaseSettings settings) {
        return new DatabaseConfiguration(Mode.EMBEDDED, Optional.of(settings), List.of(), List.of());
    }

    /** One sentence naming every missing and malformed variable, for the log and the setup error. */
    public String problems() {
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing environment variable" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing));
        }
        parts.addAll(invalid);
        return String.join("; ", parts);
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static int port(Map<String, String> env, List<String> invalid) {
        Optional<String> raw = value(env, PORT);
        if (raw.isEmpty()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(raw.get());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        invalid.add(PORT + " must be a whole number from 1 to 65535, got '" + printable(raw.get()) + "'");
        return DEFAULT_PORT;
    }

    private static Optional<Boolean> bool(Map<String, String> env, String name, List<String> invalid) {
        Optional<String> raw = value(env, name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> {
                invalid.add(name + " must be 'true' or 'false', got '" + printable(raw.get()) + "'");
                yield Optional.empty();
            }
        };
    }

    private static String printable(String value) {
        String shown = value.length() > 32 ? value.substring(0, 32) + "…" : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
