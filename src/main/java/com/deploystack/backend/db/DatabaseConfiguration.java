package com.deploystack.backend.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    public static final String SSL_MODE = "POSTGRES_SSL_MODE";
    public static final String SSL_ROOT_CERT = "POSTGRES_SSL_ROOT_CERT";
    public static final String EMBEDDED = "POSTGRES_EMBEDDED";
    public static final String PGBOUNCER = "POSTGRES_PGBOUNCER";
    public static final List<String> CONNECTION_VARIABLES =
            List.of(HOST, PORT, DATABASE, USER, PASSWORD, SSL, SSL_MODE, SSL_ROOT_CERT, PGBOUNCER);

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
     * Reads the {@code POSTGRES_*} variables. With none of the connection variables set (empty counts as
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
        if (!host.matches("[\\p{Alnum}.:_\\[\\]%-]+")) {
            invalid.add(HOST + " must be a host name or an IP address, got '" + printable(host) + "'");
        }
        int port = port(env, invalid);
        String database = value(env, DATABASE).orElse(DEFAULT_DATABASE);
        String user = value(env, USER).orElse(DEFAULT_USER);
        Optional<String> password = value(env, PASSWORD);
        if (password.isEmpty()) {
            missing.add(PASSWORD);
        }
        SslMode sslMode = sslMode(env, invalid);
        Optional<Path> sslRootCert = sslRootCert(env, sslMode, missing, invalid);
        if (database.length() > 63) {
            invalid.add(DATABASE + " must be at most 63 characters long");
        }
        if (database.chars().anyMatch(Character::isISOControl)) {
            invalid.add(DATABASE + " must not contain control characters");
        }
        if (user.chars().anyMatch(Character::isISOControl)) {
            invalid.add(USER + " must not contain control characters");
        }
        boolean pgbouncer = bool(env, PGBOUNCER, invalid).orElse(false);
        Optional<DatabaseSettings> settings = missing.isEmpty() && invalid.isEmpty()
                ? Optional.of(new DatabaseSettings(host, port, database, user, password.get(), sslMode, sslRootCert,
                                                   pool, pgbouncer))
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

    /**
     * {@code POSTGRES_SSL} alone gives the spec's behaviour ({@code true}: {@code require}); {@code POSTGRES_SSL_MODE}
     * chooses any mode. When both are set they must agree, so that no one believes a connection is encrypted
     * when it is not, or the reverse.
     */
    private static SslMode sslMode(Map<String, String> env, List<String> invalid) {
        Optional<Boolean> ssl = bool(env, SSL, invalid);
        Optional<String> raw = value(env, SSL_MODE);
        if (raw.isEmpty()) {
            return ssl.orElse(false) ? SslMode.REQUIRE : SslMode.DISABLE;
        }
        Optional<SslMode> mode = SslMode.parse(raw.get());
        if (mode.isEmpty()) {
            invalid.add(SSL_MODE + " must be 'disable', 'require', 'verify-ca' or 'verify-full', got '"
                        + printable(raw.get()) + "'");
            return SslMode.DISABLE;
        }
        if (ssl.isPresent() && ssl.get() != mode.get().encrypted()) {
            invalid.add(SSL + "=" + ssl.get() + " contradicts " + SSL_MODE + "=" + mode.get().value()
                        + "; remove " + SSL + " or make it agree");
        }
        return mode.get();
    }

    /** The CA file the verify modes check the server's certificate against: required there, refused elsewhere. */
    private static Optional<Path> sslRootCert(Map<String, String> env, SslMode mode, List<String> missing,
                                              List<String> invalid) {
        Optional<String> raw = value(env, SSL_ROOT_CERT);
        if (!mode.verifiesCertificate()) {
            raw.ifPresent(ignored -> invalid.add(
                    SSL_ROOT_CERT + " is used only with " + SSL_MODE + "=verify-ca or verify-full; '"
                    + mode.value() + "' does not check the server's certificate"));
            return Optional.empty();
        }
        if (raw.isEmpty()) {
            missing.add(SSL_ROOT_CERT);
            return Optional.empty();
        }
        Path file = Path.of(raw.get());
        String shown = printable(raw.get(), 200);
        try {
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            if (!content.contains("-----BEGIN CERTIFICATE-----")) {
                invalid.add(SSL_ROOT_CERT + " must name a PEM file of CA certificates; '" + shown + "' holds none");
            }
        } catch (IOException | RuntimeException e) {
            invalid.add(SSL_ROOT_CERT + " must name a readable PEM file of CA certificates; '" + shown
                        + "' cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return Optional.of(file);
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
        return printable(value, 32);
    }

    private static String printable(String value, int maxLength) {
        String shown = value.length() > maxLength ? value.substring(0, maxLength) + "…" : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
