package com.deploystack.backend.plugins;

/** Role isolation was configured but the database user may not create roles, so plugins do not run. */
public final class PluginsDisabledException extends RuntimeException {

    public static final String MESSAGE = "Plugins are disabled: the database user may not create roles, so plugin"
            + " isolation by PostgreSQL roles is not possible. Grant CREATEROLE, or set plugins.isolation=prefix.";

    public PluginsDisabledException() {
        super(MESSAGE);
    }
}
