package com.deploystack.backend.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;

class BuildInfoTest {

    @Test
    void aValueMavenCouldNotFillIsUnknown() {
        Properties properties = new Properties();
        properties.setProperty("commit", "${build.commit}");
        properties.setProperty("empty", "");
        properties.setProperty("version", "1.2.3");
        assertThat(BuildInfo.value(properties, "commit"), is("unknown"));
        assertThat(BuildInfo.value(properties, "empty"), is("unknown"));
        assertThat(BuildInfo.value(properties, "missing"), is("unknown"));
        assertThat(BuildInfo.value(properties, "version"), is("1.2.3"));
    }

    /** The build of these classes: Maven filtered the project's version, the time and git's commit into the file. */
    @Test
    void theBuildSaysItsVersionTimeAndCommit() throws Exception {
        BuildInfo build = BuildInfo.load();
        String pom = Files.readString(Path.of("pom.xml"));
        String version = pom.substring(pom.indexOf("<version>", pom.indexOf("<artifactId>deploystack-db"))
                                       + "<version>".length());
        assertThat(build.version(), is(version.substring(0, version.indexOf('<'))));
        assertThat(build.buildTime(), matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        if (git("rev-parse", "HEAD").isEmpty()) {
            assertThat("no git, or not a clone", build.commit(), is("unknown"));
        } else {
            // a commit of this clone (HEAD when the build began: a commit made during the build moves HEAD on)
            assertThat(build.commit(), matchesPattern("[0-9a-f]{40}"));
            assertThat(git("rev-parse", "--verify", build.commit() + "^{commit}"), is(build.commit()));
        }
    }

    /** What git answers, or "" when it fails or is not installed. */
    private static String git(String... arguments) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(arguments));
        try {
            Process git = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        }
    }
}
