package com.deploystack.backend.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(build.commit(), is(gitHead()));
    }

    /** {@code git rev-parse HEAD}, or "unknown" without git or outside a clone, as the build does. */
    private static String gitHead() throws IOException, InterruptedException {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(false).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
