package com.deploystack.backend;

import java.nio.file.Path;

import io.helidon.config.Config;

/**
 * Where the service keeps and finds its files ({@code paths.*}).
 *
 * @param data       the selection file, the embedded PostgreSQL, generated secrets
 * @param migrations the MyBatis Migrations repository
 * @param plugins    the folder of plugin jars
 * @param settings   the global settings definition modules
 */
public record ServicePaths(Path data, Path migrations, Path plugins, Path settings) {

    public static ServicePaths from(Config paths) {
        return new ServicePaths(Path.of(paths.get("data").asString().get()),
                                Path.of(paths.get("migrations").asString().get()),
                                Path.of(paths.get("plugins").asString().get()),
                                Path.of(paths.get("settings").asString().get()));
    }
}
