package com.deploystack.backend.settings;

/**
 * One setting as a definition module declares it. {@code defaultValue} is the stored text of the default
 * (see {@link SettingType}), or null when the setting starts empty; {@code range} is what a number setting accepts.
 */
public record SettingDefinition(String key, String name, SettingType type, String defaultValue, String description,
                                boolean encrypted, boolean required, String groupId, NumberRange range) {

    /** A setting without bounds (strings, booleans, any number). */
    public SettingDefinition(String key, String name, SettingType type, String defaultValue, String description,
                             boolean encrypted, boolean required, String groupId) {
        this(key, name, type, defaultValue, description, encrypted, required, groupId, NumberRange.ANY);
    }
}
