package com.deploystack.backend.plugins;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import com.deploystack.backend.support.TestPostgres;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** A plugin shipped as a jar in the plugins folder, not on the class path, is found and runs. */
class PluginFolderTest {

    private static final String SOURCE = """
            package example.folder;

            import java.util.List;
            import com.deploystack.backend.plugins.*;

            public final class FolderPlugin implements Plugin {
                public String id() { return "folder"; }
                public String version() { return "1"; }
                public List<PluginTable> tables() {
                    return List.of(new PluginTable("rows", List.of(PluginColumn.required("value", ColumnType.TEXT))));
                }
            }
            """;

    @Test
    void aPluginJarInThePluginsFolderIsDiscoveredAndItsTableCreated(@TempDir Path work) throws Exception {
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        writePluginJar(work, plugins.resolve("folder-plugin.jar"));
        String database = TestPostgres.get().createDatabase("plugin_folder");
        try (TestService service = TestService.start(TestPostgres.get().environment(database), work.resolve("data"),
                                                     Path.of("migrations"),
                                                     Map.of("plugins.enabled", "folder",
                                                            "paths.plugins", plugins.toString()))) {
            assertThat(service.status().getJsonObject("plugins").getJsonArray("enabled").getString(0), is("folder"));
            assertThat(service.setup().status(), is(200));
            assertThat(TestPostgres.get().queryValue(database,
                    "SELECT tableowner FROM pg_tables WHERE tablename = 'folder_rows'"), is(PluginNames.role(database, "folder")));
        }
    }

    /** Compiles the plugin against the service's classes and packs it with its ServiceLoader entry. */
    private static void writePluginJar(Path work, Path jar) throws IOException {
        Path sources = Files.createDirectories(work.resolve("src/example/folder"));
        Path source = Files.writeString(sources.resolve("FolderPlugin.java"), SOURCE);
        Path classes = Files.createDirectories(work.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int result = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                               source.toString());
        assertThat("the plugin compiles", result, is(0));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + Plugin.class.getName()));
            out.write("example.folder.FolderPlugin\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }
}
