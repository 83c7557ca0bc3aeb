package com.deploystack.backend.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The PostgreSQL server running on a data directory of the tests' own, found by its {@code postmaster.pid}. */
final class Postmaster {

    private Postmaster() {
    }

    /** Sends {@code signal} ({@code STOP}, {@code CONT}) to the postmaster of {@code data} and every backend of it. */
    static void signal(Path data, String signal) {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().strip());
            List<String> command = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(postmaster)));
            ProcessHandle.of(postmaster).orElseThrow().descendants()
                    .forEach(backend -> command.add(Long.toString(backend.pid())));
            int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException(command + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
