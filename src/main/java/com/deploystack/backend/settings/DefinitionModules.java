package com.deploystack.backend.settings;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the setting definition modules: every {@code *.yaml} file of a directory is one group with its
 * settings. Anything malformed (YAML syntax, a duplicate key or group, an unknown type or field, a default
 * not of its type, a missing field) is an {@link InvalidDefinitionException} naming the file and the key.
 */
public final class DefinitionModules {

    private static final Set<String> GROUP_FIELDS = Set.of("id", "name", "description", "icon", "sort_order",
                                                           "settings");
    private static final Set<String> SETTING_FIELDS = Set.of("key", "name", "type", "default", "description",
                                                             "encrypted", "required", "min", "max",
                                                             "integer");
    private static final String GROUP_ID = "[a-z0-9]+(-[a-z0-9]+)*";
    private static final String SETTING_NAME = "[a-z0-9]+([_.-][a-z0-9]+)*";

    private DefinitionModules() {
    }

    /** The groups of every module in {@code directory}, in file-name order. */
    public static List<SettingGroup> load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new InvalidDefinitionException("Settings definition directory " + directory.toAbsolutePath()
                                                 + " does not exist (configure paths.settings).");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(file -> file.getFileName().toString().matches(".+\\.ya?ml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory, e);
        }
        if (files.isEmpty()) {
            throw new InvalidDefinitionException("Settings definition directory " + directory.toAbsolutePath()
                                                 + " holds no *.yaml module.");
        }
        List<SettingGroup> groups = new ArrayList<>();
        Map<String, Path> groupFiles = new HashMap<>();
        Map<String, Path> keyFiles = new HashMap<>();
        for (Path file : files) {
            SettingGroup group = new Module(file).read();
            Path other = groupFiles.putIfAbsent(group.id(), file);
            if (other != null) {
                throw new InvalidDefinitionException("Settings module " + file + ": group id \"" + group.id()
                                                     + "\" is already defined in " + other + ".");
            }
            for (SettingDefinition setting : group.settings()) {
                Path first = keyFiles.putIfAbsent(setting.key(), file);
                if (first != null) {
                    throw new InvalidDefinitionException("Settings module " + file + ", key " + setting.key()
                                                         + ": duplicate key (also defined in " + first + ").");
                }
            }
            groups.add(group);
        }
        return List.copyOf(groups);
    }

    /** One file being read; its methods report problems with the file (and key) named. */
    private record Module(Path file) {

        SettingGroup read() {
            Map<String, Object> group = mapping(parse(), null, "the module");
            onlyKnown(group, GROUP_FIELDS, null);
            String id = text(group, "id", null, true);
            if (!id.matches(GROUP_ID)) {
                throw problem(null, "group id \"" + id + "\" may hold only lowercase letters, digits and dashes");
            }
            Object settings = group.get("settings");
            if (!(settings instanceof List<?> list)) {
                throw problem(null, "\"settings\" must be a list of settings");
            }
            List<SettingDefinition> definitions = new ArrayList<>();
            Set<String> keys = new TreeSet<>();
            for (Object item : list) {
                SettingDefinition definition = setting(mapping(item, null, "each entry of \"settings\""), id);
                if (!keys.add(definition.key())) {
                    throw problem(definition.key(), "duplicate key");
                }
                definitions.add(definition);
            }
            return new SettingGroup(id, text(group, "name", null, true), text(group, "description", null, false),
                                    text(group, "icon", null, false), sortOrder(group), definitions);
        }

        private Object parse() {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                return new Yaml(new SafeConstructor(options)).load(reader);
            } catch (YAMLException e) {
                throw problem(null, "not valid YAML: " + e.getMessage().replaceAll("\\s+", " ").strip());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read settings module " + file, e);
            }
        }

        private SettingDefinition setting(Map<String, Object> setting, String groupId) {
            Object rawKey = setting.get("key");
            if (!(rawKey instanceof String key) || key.isBlank()) {
                throw problem(null, "a setting has no \"key\"");
            }
            onlyKnown(setting, SETTING_FIELDS, key);
            if (!key.startsWith(groupId + ".") || !key.substring(groupId.length() + 1).matches(SETTING_NAME)) {
                throw problem(key, "a key must be \"" + groupId + ".<name>\" (lowercase letters, digits, _ . -)");
            }
            String typeText = text(setting, "type", key, true);
            SettingType type = SettingType.of(typeText).orElseThrow(
                    () -> problem(key, "unknown type \"" + typeText + "\" (string, number or boolean)"));
            boolean encrypted = flag(setting, "encrypted", key);
            if (encrypted && type != SettingType.STRING) {
                throw problem(key, "only string settings can be encrypted");
            }
            NumberRange range = range(setting, type, key);
            String defaultValue = defaultValue(setting.get("default"), type, key);
            if (defaultValue != null && type == SettingType.NUMBER) {
                range.refusal(new BigDecimal(defaultValue)).ifPresent(
                        expected -> failValue("default", setting.get("default"), key, expected));
            }
            return new SettingDefinition(key, text(setting, "name", key, true), type, defaultValue,
                                         text(setting, "description", key, true), encrypted,
                                         flag(setting, "required", key), groupId, range);
        }

        private NumberRange range(Map<String, Object> setting, SettingType type, String key) {
            boolean integer = flag(setting, "integer", key);
            Object min = setting.get("min");
            Object max = setting.get("max");
            if (min == null && max == null && !integer) {
                return NumberRange.ANY;
            }
            if (type != SettingType.NUMBER) {
                throw problem(key, "only number settings have \"min\", \"max\" or \"integer\"");
            }
            NumberRange range = new NumberRange(bound(min, "min", key), bound(max, "max", key), integer);
            if (range.min() != null && range.max() != null && range.min().compareTo(range.max()) > 0) {
                throw problem(key, "\"min\" is greater than \"max\"");
            }
            return range;
        }

        private BigDecimal bound(Object value, String field, String key) {
            if (value == null) {
                return null;
            }
            String text = defaultValue(value, SettingType.NUMBER, key, "\"" + field + "\"");
            return new BigDecimal(text);
        }

        private String defaultValue(Object value, SettingType type, String key) {
            return defaultValue(value, type, key, "default");
        }

        /** The stored text of a YAML value of {@code type}; {@code what} names it in the error. */
        private String defaultValue(Object value, SettingType type, String key, String what) {
            if (value == null) {
                return null;
            }
            return switch (type) {
                case STRING -> value instanceof String text ? text
                        : failValue(what, value, key, "a string (quote it)");
                case BOOLEAN -> value instanceof Boolean flag ? flag.toString() : failValue(what, value, key, "true or false");
                case NUMBER -> switch (value) {
                    case Integer number -> number.toString();
                    case Long number -> number.toString();
                    case BigInteger number -> number.toString();
                    case Double number when Double.isFinite(number) -> SettingType.numberText(BigDecimal.valueOf(number));
                    default -> failValue(what, value, key, "a number");
                };
            };
        }

        private String failValue(String what, Object value, String key, String expected) {
            throw problem(key, what + " " + (value instanceof String ? "\"" + value + "\"" : value) + " is not "
                               + expected);
        }

        private int sortOrder(Map<String, Object> group) {
            Object value = group.get("sort_order");
            if (value == null) {
                return 0;
            }
            if (!(value instanceof Integer order)) {
                throw problem(null, "\"sort_order\" must be a whole number");
            }
            return order;
        }

        private boolean flag(Map<String, Object> fields, String field, String key) {
            Object value = fields.get(field);
            if (value == null) {
                return false;
            }
            if (!(value instanceof Boolean flag)) {
                throw problem(key, "\"" + field + "\" must be true or false");
            }
            return flag;
        }

        private String text(Map<String, Object> fields, String field, String key, boolean required) {
            Object value = fields.get(field);
            if (value == null || value instanceof String text && text.isBlank()) {
                if (required) {
                    throw problem(key, "missing \"" + field + "\"");
                }
                return null;
            }
            if (!(value instanceof String text)) {
                throw problem(key, "\"" + field + "\" must be a string");
            }
            return text.strip();
        }

        private void onlyKnown(Map<String, Object> fields, Set<String> allowed, String key) {
            Set<String> unknown = new TreeSet<>(fields.keySet());
            unknown.removeAll(allowed);
            if (!unknown.isEmpty()) {
                throw problem(key, "unknown field" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown));
            }
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> mapping(Object value, String key, String what) {
            if (!(value instanceof Map<?, ?> map)) {
                throw problem(key, what + " must be a mapping of fields");
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String name)) {
                    throw problem(key, "field name " + entry.getKey() + " is not text");
                }
                fields.put(name, entry.getValue());
            }
            return fields;
        }

        private InvalidDefinitionException problem(String key, String what) {
            return new InvalidDefinitionException("Settings module " + file + (key == null ? "" : ", key " + key)
                                                  + ": " + what + ".");
        }
    }
}
