package com.deploystack.backend.settings;

import java.util.List;

/** A group of settings: one definition module ({@code config/global-settings/<id>.yaml}). */
public record SettingGroup(String id, String name, String description, String icon, int sortOrder,
                           List<SettingDefinition> settings) {

    public SettingGroup {
        settings = List.copyOf(settings);
    }
}
