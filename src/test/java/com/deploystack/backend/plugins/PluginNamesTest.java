package com.deploystack.backend.plugins;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PluginNamesTest {

    private static Plugin plugin(String id, List<PluginTable> tables) {
        return new Plugin() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public String version() {
                return "1";
            }

            @Override
            public List<PluginTable> tables() {
                return tables;
            }
        };
    }

    private static List<PluginTable> table(String name, String... columns) {
        return List.of(new PluginTable(name, Arrays.stream(columns)
                .map(column -> PluginColumn.required(column, ColumnType.TEXT)).toList()));
    }

    @Test
    void invalidIdsTableNamesAndColumnNamesAreRefusedNamingTheProblem() {
        record Case(Plugin plugin, String message) {
        }
        List<Case> cases = List.of(
                new Case(plugin("Audit", table("t", "c")), "invalid plugin id 'Audit'"),
                new Case(plugin("a\"; DROP TABLE users; --", table("t", "c")), "invalid plugin id"),
                new Case(plugin("1audit", table("t", "c")), "invalid plugin id '1audit'"),
                new Case(plugin("a".repeat(21), table("t", "c")), "at most 20 characters"),
                new Case(plugin(null, table("t", "c")), "invalid plugin id 'null'"),
                new Case(plugin("audit", table("Events", "c")), "invalid table name 'Events'"),
                new Case(plugin("audit", table("events\"", "c")), "invalid table name"),
                new Case(plugin("audit", table("e".repeat(41), "c")), "at most 40 characters"),
                new Case(plugin("audit", table("events", "id; drop")), "invalid column name 'id; drop'"),
                new Case(plugin("audit", table("events", "c", "c")), "defines column 'c' twice"),
                new Case(plugin("audit", table("events")), "has no columns"));
        for (Case c : cases) {
            PluginDefinitionException refused = assertThrows(PluginDefinitionException.class,
                                                              () -> PluginNames.validate(c.plugin()), c.message());
            assertThat(refused.getMessage(), containsString(c.message()));
        }
    }

    @Test
    void quotingRefusesAnyNameThatWasNotChecked() {
        assertThrows(PluginDefinitionException.class, () -> PluginNames.quote("x\" OR 1=1"));
        assertThat(PluginNames.quote("audit_events"), containsString("\"audit_events\""));
    }
}
