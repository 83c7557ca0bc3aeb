package com.deploystack.backend.plugins;

/** A plugin whose id, table or column names are invalid, refused before any SQL runs. */
public final class PluginDefinitionException extends RuntimeException {

    public PluginDefinitionException(String message) {
        super(message);
    }
}
