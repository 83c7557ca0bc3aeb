package com.deploystack.backend.db;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A PostgreSQL left running on the embedded data directory by a service process that died (kill -9, an OOM kill):
 * found through the server's own {@code postmaster.pid} and stopped before the embedded server starts, so that
 * the next start takes seconds instead of waiting for a server that can never start on the locked directory.
 *
 * <p>A server whose service is still alive is never touched: the embedded library holds a file lock
 * ({@code epg-lock}) in the data directory for as long as its process lives, and a held lock means "in use".
 * Written by hand because the embedded library only cleans up orphans of its temporary directories.
 */
final class LeftoverPostgres {

    private static final System.Logger LOG = System.getLogger(LeftoverPostgres.class.getName());
    /** The lock file the embedded library holds while its server runs. */
    private static final String LIBRARY_LOCK = "epg-lock";
    private static final Duration STOP_WAIT = Duration.ofSeconds(15);

    private final Path dataDirectory;

    LeftoverPostgres(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
    }

    /**
     * Stops a server left by a dead process, removes a stale {@code postmaster.pid} naming a process that is no
     * PostgreSQL, and fails with a clear message when a live service still uses the directory.
     */
    void clear() throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        requireNoLiveOwner();
        Optional<ProcessHandle> postmaster = postmaster(pidFile);
        if (postmaster.isEmpty()) {
            return;
        }
        ProcessHandle process = postmaster.get();
        String command = process.info().command().orElse("");
        if (!Path.of(command).getFileName().toString().equals("postgres")) {
            LOG.log(Level.WARNING, "{0} names pid {1,number,#}, which is now {2}, not PostgreSQL: removing the stale file",
                    pidFile, process.pid(), command.isEmpty() ? "another program" : command);
            Files.delete(pidFile);
            return;
        }
        LOG.log(Level.WARNING, "The embedded PostgreSQL (pid {0,number,#}) was left running by a service process that"
                               + " ended without stopping it; stopping it before starting again", process.pid());
        long started = System.nanoTime();
        stop(process, Path.of(command).resolveSibling("pg_ctl"));
        LOG.log(Level.INFO, "Stopped the leftover PostgreSQL (pid {0,number,#}) in {1,number,#} ms", process.pid(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void requireNoLiveOwner() throws IOException {
        Path lockFile = dataDirectory.resolve(LIBRARY_LOCK);
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw inUse();
            }
        } catch (OverlappingFileLockException sameProcess) {
            throw inUse();
        }
    }

    private IOException inUse() {
        return new IOException(dataDirectory + " is in use by another running service; stop it, or give this one"
                               + " its own folder (PATHS_DATA)");
    }

    private static Optional<ProcessHandle> postmaster(Path pidFile) throws IOException {
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            return ProcessHandle.of(Long.parseLong(lines.getFirst().strip())).filter(ProcessHandle::isAlive);
        } catch (NumberFormatException unreadable) {
            // PostgreSQL itself reports a damaged postmaster.pid when it starts
            return Optional.empty();
        }
    }

    /** A fast shutdown with the server's own pg_ctl (sessions cut, a clean checkpoint); SIGKILL if that fails. */
    private void stop(ProcessHandle process, Path pgCtl) throws IOException {
        if (Files.isExecutable(pgCtl)) {
            Process stop = new ProcessBuilder(pgCtl.toString(), "stop", "-D", dataDirectory.toString(), "-m", "fast",
                                              "-w", "-t", Long.toString(STOP_WAIT.toSeconds()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (waitFor(stop.toHandle()) && !process.isAlive()) {
                return;
            }
            stop.destroyForcibly();
        }
        process.destroyForcibly();
        if (!waitFor(process)) {
            throw new IOException("the PostgreSQL left running on " + dataDirectory + " (pid " + process.pid()
                                  + ") did not stop within " + STOP_WAIT.toSeconds() + " s; stop it by hand");
        }
    }

    private static boolean waitFor(ProcessHandle process) throws IOException {
        try {
            process.onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IOException("waiting for pid " + process.pid() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping pid " + process.pid(), e);
        }
    }
}
