package com.deploystack.backend;

import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * The service's configuration, with its defaults in one place: {@code application.yaml} on the class path lists
 * every key; {@code config/application.yaml} in the working directory overrides it; environment variables
 * ({@code SERVER_PORT} for {@code server.port}) and system properties override both. Code reads keys without
 * defaults of its own.
 */
public final class ServiceConfig {

    /** The defaults, on the class path. */
    public static final String DEFAULTS = "application.yaml";
    /** The operator's overrides, relative to the working directory. */
    public static final String OVERRIDES = "config/application.yaml";

    private ServiceConfig() {
    }

    /** The configuration of a run: environment, system properties, the overrides file, the defaults. */
    public static Config load() {
        return Config.builder()
                .sources(ConfigSources.file(OVERRIDES).optional(), ConfigSources.classpath(DEFAULTS))
                .build();
    }

    /** The defaults with {@code values} over them, and nothing from the environment: for tests and tools. */
    public static Config of(Map<String, String> values) {
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(values), ConfigSources.classpath(DEFAULTS))
                .build();
    }
}
