package com.deploystack.backend.settings;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DefinitionModulesTest {

    @TempDir
    Path modules;

    @Test
    void theShippedModulesHoldDeployStacksSevenGroupsWithTheirSecretsEncrypted() {
        List<SettingGroup> groups = DefinitionModules.load(Path.of("config/global-settings"));
        assertThat(groups.stream().sorted(Comparator.comparingInt(SettingGroup::sortOrder))
                           .map(SettingGroup::id).toList(),
                   is(List.of("global", "smtp", "team", "github-oauth", "user-display", "github-app", "deployment")));
        Set<String> encrypted = groups.stream().flatMap(group -> group.settings().stream())
                .filter(SettingDefinition::encrypted).map(SettingDefinition::key).collect(Collectors.toSet());
        assertThat(encrypted, is(Set.of("smtp.password", "github-oauth.client_secret", "github-app.private_key_base64",
                                        "deployment.private_key_base64", "deployment.webhook_secret")));
        SettingDefinition port = groups.stream().flatMap(group -> group.settings().stream())
                .filter(setting -> setting.key().equals("smtp.port")).findFirst().orElseThrow();
        assertThat(port.type(), is(SettingType.NUMBER));
        assertThat(port.defaultValue(), is("587"));
        assertThat(port.range(), is(new NumberRange(BigDecimal.ONE, BigDecimal.valueOf(65535), true)));
        assertThat(port.groupId(), is("smtp"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            duplicate key in a file      | {a: x, b: string}, {a: y, b: string}                | mail.a   | duplicate key
            unknown type                 | {a: 1, b: text}                                     | mail.a   | unknown type "text"
            number default not a number  | {a: "587", b: number}                               | mail.a   | default "587" is not a number
            boolean default not boolean  | {a: 1, b: boolean}                                  | mail.a   | default 1 is not true or false
            string default not a string  | {a: 587, b: string}                                 | mail.a   | default 587 is not a string
            missing name                 | {a: x, b: string, n: ~}                             | mail.a   | missing "name"
            unknown field                | {a: x, b: string, x: 1}                             | mail.a   | unknown field encrpyted
            key outside its group        | {a: x, b: string, k: other.a}                       | other.a  | a key must be "mail.<name>"
            encrypted number             | {a: 1, b: number, e: true}                          | mail.a   | only string settings can be encrypted
            default below its minimum    | {a: 0, b: number, lo: 1}                            | mail.a   | default 0 is not a number of at least 1
            default above its maximum    | {a: 70000, b: number, lo: 1, hi: 65535, i: true}    | mail.a   | default 70000 is not a whole number from 1 to 65535
            fraction for a whole number  | {a: 1.5, b: number, i: true}                        | mail.a   | default 1.5 is not a whole number
            minimum above maximum        | {a: 5, b: number, lo: 10, hi: 1}                    | mail.a   | "min" is greater than "max"
            a bound that is no number    | {a: 5, b: number, hi: lots}                         | mail.a   | "max" "lots" is not a number
            a range on a string          | {a: x, b: string, lo: 1}                            | mail.a   | only number settings have "min", "max" or "integer"
            """)
    void aMalformedModuleIsRefusedNamingTheFileAndTheKey(String name, String settings, String key, String problem)
            throws Exception {
        Path file = modules.resolve("mail.yaml");
        Files.writeString(file, "id: mail\nname: Mail\nsettings:\n" + settingsYaml(settings));
        InvalidDefinitionException e = assertThrows(InvalidDefinitionException.class,
                                                    () -> DefinitionModules.load(modules));
        assertThat(e.getMessage(), containsString(file.toString()));
        assertThat(e.getMessage(), containsString("key " + key));
        assertThat(e.getMessage(), containsString(problem));
    }

    /**
     * {a: default, b: type, n: name, x: stray field, k: key, e: encrypted, lo: min, hi: max, i: integer}, comma
     * separated, as YAML entries.
     */
    private static String settingsYaml(String compact) {
        StringBuilder yaml = new StringBuilder();
        for (String entry : compact.split("}\\s*,\\s*")) {
            Map<String, String> fields = new HashMap<>();
            for (String pair : entry.replace("{", "").replace("}", "").split(",")) {
                String[] kv = pair.strip().split(":\\s*", 2);
                fields.put(kv[0], kv[1]);
            }
            yaml.append("  - key: ").append(fields.getOrDefault("k", "mail.a")).append('\n');
            if (!"~".equals(fields.get("n"))) {
                yaml.append("    name: A\n");
            }
            yaml.append("    type: ").append(fields.get("b")).append('\n');
            yaml.append("    default: ").append(fields.get("a")).append('\n');
            yaml.append("    description: A setting\n");
            if (fields.containsKey("x")) {
                yaml.append("    encrpyted: true\n");
            }
            if (fields.containsKey("e")) {
                yaml.append("    encrypted: true\n");
            }
            for (String[] bound : new String[][] {{"lo", "min"}, {"hi", "max"}, {"i", "integer"}}) {
                if (fields.containsKey(bound[0])) {
                    yaml.append("    ").append(bound[1]).append(": ").append(fields.get(bound[0])).append('\n');
                }
            }
        }
        return yaml.toString();
    }

    @Test
    void aKeyDefinedInTwoModulesIsRefusedNamingBothFiles() throws Exception {
        Files.writeString(modules.resolve("a.yaml"), """
                id: mail
                name: Mail
                settings:
                  - {key: mail.host, name: Host, type: string, default: "", description: Host}
                """);
        Files.writeString(modules.resolve("b.yaml"), """
                id: mail
                name: Mail again
                settings: []
                """);
        InvalidDefinitionException e = assertThrows(InvalidDefinitionException.class,
                                                    () -> DefinitionModules.load(modules));
        assertThat(e.getMessage(), containsString("b.yaml"));
        assertThat(e.getMessage(), containsString("a.yaml"));
        assertThat(e.getMessage(), containsString("group id \"mail\""));
    }

    @Test
    void aDuplicateYamlFieldAndBrokenYamlAreRefusedNamingTheFile() throws Exception {
        Path file = modules.resolve("mail.yaml");
        Files.writeString(file, "id: mail\nid: other\nname: Mail\nsettings: []\n");
        InvalidDefinitionException duplicate = assertThrows(InvalidDefinitionException.class,
                                                            () -> DefinitionModules.load(modules));
        assertThat(duplicate.getMessage(), containsString(file + ": not valid YAML"));
        assertThat(duplicate.getMessage(), containsString("duplicate key id"));
        Files.writeString(file, "id: mail\nsettings: [\n");
        assertThat(assertThrows(InvalidDefinitionException.class, () -> DefinitionModules.load(modules)).getMessage(),
                   containsString(file + ": not valid YAML"));
    }

    @Test
    void aMissingOrEmptyDirectoryIsRefused() {
        assertThat(assertThrows(InvalidDefinitionException.class, () -> DefinitionModules.load(modules)).getMessage(),
                   containsString("holds no *.yaml module"));
        assertThat(assertThrows(InvalidDefinitionException.class,
                                () -> DefinitionModules.load(modules.resolve("nope"))).getMessage(),
                   containsString("does not exist"));
    }
}
