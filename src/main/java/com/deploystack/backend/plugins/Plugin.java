package com.deploystack.backend.plugins;

import java.util.List;
import java.util.Optional;

import com.deploystack.backend.settings.SettingGroup;
import io.helidon.webserver.http.HttpRules;

/**
 * A DeployStack plugin, discovered with {@link java.util.ServiceLoader} on the class path or in the
 * {@code plugins/} folder, and active when its id is listed in {@code plugins.enabled}.
 *
 * <p>Its tables are created at run time after the core migrations, named {@code <id>_<table>}, owned by
 * the plugin's own PostgreSQL role; every statement of the plugin runs under that role, which has no
 * privilege on core tables or on other plugins' tables.
 */
public interface Plugin {

    /** Lowercase letters, digits and underscores, starting with a letter, at most 20 characters. */
    String id();

    String version();

    /** The tables as they should be now; a change needs a {@link #migrations() migration step}. */
    default List<PluginTable> tables() {
        return List.of();
    }

    /** Versioned steps that change the plugin's tables; each runs once, in version order, under its role. */
    default List<PluginMigration> migrations() {
        return List.of();
    }

    /**
     * The plugin's global settings group (created when missing), with keys {@code <id>.<name>}. A key that
     * the core or another plugin already owns is skipped with a warning: the core wins.
     */
    default Optional<SettingGroup> settings() {
        return Optional.empty();
    }

    /** Called once the database is initialized (after setup, and at every start). */
    default void initialize(PluginContext context) {
    }

    /** Routes mounted under {@code /api/plugin/<id>/}, behind the admin token. */
    default void routing(HttpRules rules, PluginContext context) {
    }
}
