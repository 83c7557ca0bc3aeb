package com.deploystack.backend.plugins;

/** One versioned change of a plugin's tables, e.g. {@code ALTER TABLE audit_events ADD COLUMN actor text}. */
public record PluginMigration(int version, String description, String sql) {

    public PluginMigration {
        if (version < 1) {
            throw new IllegalArgumentException("plugin migration versions start at 1");
        }
    }
}
