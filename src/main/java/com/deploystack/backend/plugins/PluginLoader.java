package com.deploystack.backend.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the enabled plugins with {@link ServiceLoader} on the class path and in the plugins folder's jars, and
 * checks each definition before any SQL runs: an invalid or missing plugin is refused with a sentence naming it.
 */
final class PluginLoader {

    private static final System.Logger LOG = System.getLogger(PluginLoader.class.getName());

    /** The plugins that run, and why the others do not. */
    record Found(List<Plugin> enabled, List<String> refused) {
        Found {
            enabled = List.copyOf(enabled);
            refused = List.copyOf(refused);
        }
    }

    private PluginLoader() {
    }

    /** The plugins listed in {@code enabledIds} (comma-separated), found on the class path or in {@code folder}. */
    static Found load(String enabledIds, Path folder) {
        Set<String> wanted = Arrays.stream(enabledIds.split(",")).map(String::strip).filter(id -> !id.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        List<Plugin> enabled = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Plugin plugin : ServiceLoader.load(Plugin.class, classLoader(folder))) {
            if (!wanted.contains(plugin.id())) {
                continue;
            }
            try {
                PluginNames.validate(plugin);
                if (!seen.add(plugin.id())) {
                    throw new PluginDefinitionException("Plugin '" + plugin.id() + "' is on the class path twice");
                }
                enabled.add(plugin);
            } catch (PluginDefinitionException e) {
                LOG.log(Level.ERROR, "Plugin refused: " + e.getMessage(), e);
                refused.add(e.getMessage());
            }
        }
        wanted.stream().filter(id -> !seen.contains(id)).forEach(id -> {
            String problem = "Plugin '" + id + "' is enabled but was not found on the class path or in " + folder;
            LOG.log(Level.ERROR, problem);
            refused.add(problem);
        });
        return new Found(enabled, refused);
    }

    private static ClassLoader classLoader(Path folder) {
        ClassLoader parent = PluginLoader.class.getClassLoader();
        if (!Files.isDirectory(folder)) {
            return parent;
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<URL> jars = new ArrayList<>();
            for (Path file : files.filter(file -> file.toString().endsWith(".jar")).toList()) {
                jars.add(file.toUri().toURL());
            }
            return jars.isEmpty() ? parent : new URLClassLoader("plugins", jars.toArray(URL[]::new), parent);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the plugins folder " + folder, e);
        }
    }
}
