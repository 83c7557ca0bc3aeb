package com.deploystack.backend.plugins;

/** How plugins are kept apart from the core and from each other. */
public enum PluginIsolation {
    /** Each plugin logs in as its own PostgreSQL role that owns its tables and nothing else. */
    ROLE,
    /** Opt-in where roles cannot be created: plugins share the service's role; only names keep them apart. */
    PREFIX,
    /** Role isolation was asked for but the database user may not create roles: plugins do not run. */
    DISABLED
}
