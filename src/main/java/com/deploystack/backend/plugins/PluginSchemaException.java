package com.deploystack.backend.plugins;

/** A plugin table that does not match its definition, or a plugin migration step that failed. */
public final class PluginSchemaException extends RuntimeException {

    public PluginSchemaException(String message) {
        super(message);
    }
}
