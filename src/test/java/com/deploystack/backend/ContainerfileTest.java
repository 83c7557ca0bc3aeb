package com.deploystack.backend;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * What matters in the Containerfile and compose.yaml, read as text (no container engine runs here;
 * {@code .ci/container-smoke} performs the same steps on the host).
 */
class ContainerfileTest {

    private record Instruction(String keyword, String arguments) {
    }

    private final List<Instruction> all = instructions(Path.of("Containerfile"));
    private final List<Instruction> runtime = all.subList(lastIndexOf("FROM"), all.size());

    @Test
    void buildsWithMavenOnAJdkAndRunsOnAJre() {
        List<String> stages = arguments(all, "FROM");
        assertThat(stages.size(), is(2));
        assertThat(stages.getFirst(), is("${BUILD_IMAGE} AS build"));
        assertThat(argument("BUILD_IMAGE"), containsString("maven:3.9-eclipse-temurin-"));
        assertThat(argument("RUNTIME_IMAGE"), containsString("-jre"));
        assertThat(arguments(runtime, "RUN").stream().anyMatch(run -> run.contains("mvn")), is(false));
    }

    @Test
    void runsAsANonRootUserCreatedByTheImage() {
        String user = single("USER");
        assertThat(user, not(is("root")));
        assertThat(user, not(startsWith("0")));
        assertThat(runtime.stream().anyMatch(i -> i.keyword().equals("RUN")
                && i.arguments().matches(".*useradd .*--uid [1-9][0-9]* .*" + user)), is(true));
        assertThat("the user is set before the training run and the entry point",
                   index("USER"), lessThan(indexOfRun("cds-training")));
    }

    @Test
    void migrationsConfigAndTheJarAreInTheWorkdir() {
        assertThat(single("WORKDIR"), is("/app"));
        List<String> copies = arguments(runtime, "COPY");
        assertThat(copies, hasItems("migrations ./migrations", "config ./config",
                                    "--from=build /build/target/deploystack-db.jar ./",
                                    "--from=build /build/target/libs ./libs"));
        assertThat(Files.isDirectory(Path.of("migrations/scripts")), is(true));
        assertThat(Files.isRegularFile(Path.of("config/application.yaml")), is(true));
    }

    @Test
    void persistentDataIsAVolumeTheUserOwns() {
        assertThat(single("VOLUME"), is("/app/persistent_data"));
        assertThat(runtime.stream().anyMatch(i -> i.keyword().equals("RUN") && i.arguments().contains("chown")
                && i.arguments().contains("persistent_data")), is(true));
        assertThat("ownership changes after VOLUME would be lost", indexOfRun("chown"), lessThan(index("VOLUME")));
    }

    @Test
    void exposesTheServicePortAndChecksReadiness() {
        assertThat(single("EXPOSE"), is("3000"));
        String healthcheck = single("HEALTHCHECK");
        List<String> command = execForm(healthcheck.substring(healthcheck.indexOf("CMD ") + 4));
        assertThat(command.getFirst(), is("java"));
        assertThat(command, hasItems("deploystack-db.jar", ReadinessProbe.class.getName(), "/observe/health/ready"));
    }

    @Test
    void startsWithContainerAwareMemoryAndTheCdsArchiveMadeAtBuildTime() throws IOException {
        List<String> entrypoint = execForm(single("ENTRYPOINT"));
        assertThat(entrypoint.getFirst(), is("java"));
        assertThat(entrypoint, hasItem(startsWith("-XX:MaxRAMPercentage=")));
        assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()),
                   is(List.of("-jar", "deploystack-db.jar")));
        String archive = entrypoint.stream().filter(a -> a.startsWith("-XX:SharedArchiveFile="))
                .map(a -> a.substring("-XX:SharedArchiveFile=".length())).findFirst().orElseThrow();
        List<String> training = execForm(runtime.get(indexOfRun("cds-training")).arguments());
        assertThat(training, is(List.of("container/cds-training", archive)));
        assertThat(Files.readString(Path.of("container/cds-training")), containsString("-XX:ArchiveClassesAtExit="));
        assertThat(Files.isExecutable(Path.of("container/cds-training")), is(true));
    }

    @Test
    void theBuildContextLeavesOutBuildOutputAndRuntimeData() throws IOException {
        List<String> ignored = Files.readAllLines(Path.of(".dockerignore"));
        assertThat(ignored, hasItems("target", "persistent_data", ".git"));
    }

    @Test
    void composeStartsTheBackendFromTheContainerfileOnceThePostgresOfTheSpecIsHealthy() {
        Config compose = Config.just(ConfigSources.file("compose.yaml"));
        Config postgres = compose.get("services.postgres");
        assertThat(postgres.get("image").asString().get(), is("postgres:18-alpine"));
        assertThat(postgres.get("volumes").asList(String.class).get(),
                   is(List.of("postgres_data:/var/lib/postgresql")));
        assertThat(postgres.get("healthcheck.test").asList(String.class).get(), hasItem("pg_isready"));

        Config backend = compose.get("services.backend");
        assertThat(backend.get("build.dockerfile").asString().get(), is("Containerfile"));
        assertThat(backend.get("depends_on.postgres.condition").asString().get(), is("service_healthy"));
        Config env = backend.get("environment");
        assertThat(env.get("POSTGRES_HOST").asString().get(), is("postgres"));
        Config postgresEnv = postgres.get("environment");
        assertThat(env.get("POSTGRES_DATABASE").asString().get(), is(postgresEnv.get("POSTGRES_DB").asString().get()));
        assertThat(env.get("POSTGRES_USER").asString().get(), is(postgresEnv.get("POSTGRES_USER").asString().get()));
        assertThat(env.get("POSTGRES_PASSWORD").asString().get(),
                   is(postgresEnv.get("POSTGRES_PASSWORD").asString().get()));
        assertThat(backend.get("volumes").asList(String.class).get(), hasItem("backend_data:/app/persistent_data"));
    }

    private static List<Instruction> instructions(Path file) {
        try {
            String joined = Files.readString(file).replaceAll("\\\\\\n\\s*", " ");
            List<Instruction> instructions = new ArrayList<>();
            for (String line : joined.lines().map(String::strip).toList()) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    int space = line.indexOf(' ');
                    instructions.add(new Instruction(line.substring(0, space), line.substring(space + 1).strip()));
                }
            }
            return instructions;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int lastIndexOf(String keyword) {
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).keyword().equals(keyword)) {
                return i;
            }
        }
        throw new AssertionError("no " + keyword);
    }

    private String argument(String name) {
        return all.stream().filter(i -> i.keyword().equals("ARG") && i.arguments().startsWith(name + "="))
                .map(i -> i.arguments().substring(name.length() + 1)).findFirst().orElseThrow();
    }

    /** The arguments of the one {@code keyword} instruction of the runtime stage. */
    private String single(String keyword) {
        List<String> found = arguments(runtime, keyword);
        assertThat(keyword, found.size(), is(1));
        return found.getFirst();
    }

    private static List<String> arguments(List<Instruction> instructions, String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    private int index(String keyword) {
        return runtime.indexOf(runtime.stream().filter(i -> i.keyword().equals(keyword)).findFirst().orElseThrow());
    }

    private int indexOfRun(String containing) {
        Optional<Instruction> run = runtime.stream()
                .filter(i -> i.keyword().equals("RUN") && i.arguments().contains(containing)).findFirst();
        return runtime.indexOf(run.orElseThrow(() -> new AssertionError("no RUN with " + containing)));
    }

    private static List<String> execForm(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readArray().getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
        }
    }
}
