package com.deploystack.backend.observe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What the jar says about its build: version, build time and commit, written into {@code build-info.properties} by
 * Maven's resource filtering. A value Maven could not fill (no git, or not a clone) is {@value #UNKNOWN}.
 */
public record BuildInfo(String version, String buildTime, String commit) {

    public static final String UNKNOWN = "unknown";
    static final String RESOURCE = "/build-info.properties";

    /** The build information of the running jar (or of {@code target/classes} in development). */
    public static BuildInfo load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE + " from the class path", e);
        }
        return new BuildInfo(value(properties, "version"), value(properties, "build-time"),
                             value(properties, "commit"));
    }

    /** The filtered value; {@value #UNKNOWN} when it is missing, empty or still a Maven placeholder. */
    static String value(Properties properties, String key) {
        String value = properties.getProperty(key, "").strip();
        return value.isEmpty() || value.contains("${") ? UNKNOWN : value;
    }
}
