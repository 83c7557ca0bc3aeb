package com.deploystack.backend.support;

import java.util.ArrayList;
import java.util.List;

import com.deploystack.backend.settings.SettingDefinition;
import com.deploystack.backend.settings.SettingGroup;
import com.deploystack.backend.settings.SettingType;

/** {@code count} setting definitions in groups of up to 100: every type, one in ten encrypted, some required. */
public final class GeneratedDefinitions {

    private GeneratedDefinitions() {
    }

    public static List<SettingGroup> of(int count) {
        List<SettingGroup> groups = new ArrayList<>();
        for (int start = 0; start < count; start += 100) {
            String id = "generated-" + start / 100;
            List<SettingDefinition> settings = new ArrayList<>();
            for (int i = start; i < Math.min(count, start + 100); i++) {
                boolean encrypted = i % 10 == 0;
                SettingType type = encrypted ? SettingType.STRING : SettingType.values()[i % 3];
                String value = switch (type) {
                    case STRING -> encrypted ? "secret-" + i : "text " + i;
                    case NUMBER -> Integer.toString(i);
                    case BOOLEAN -> Boolean.toString(i % 2 == 0);
                };
                settings.add(new SettingDefinition(id + ".setting_" + i, "Setting " + i, type, value,
                                                   "Generated setting " + i, encrypted, i % 1000 == 1, id));
            }
            groups.add(new SettingGroup(id, "Generated " + start / 100, "Generated group", "box", start / 100,
                                        settings));
        }
        return groups;
    }
}
