package com.deploystack.backend.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class SecretFileTest {

    @Test
    void racingCreatorsAllGetTheSameWholeSecretInAPrivateFile(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("secret.key");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> secrets = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 16; i++) {
                secrets.add(pool.submit(() -> {
                    go.await();
                    return SecretFile.readOrCreate(file, 32);
                }));
            }
            go.countDown();
            Set<String> distinct = new HashSet<>();
            for (Future<String> secret : secrets) {
                distinct.add(secret.get());
            }
            assertThat(distinct.size(), is(1));
            assertThat(distinct.iterator().next().length(), is(64));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), is("rw-------"));
        try (var left = Files.list(directory)) {
            assertThat("no temporary file is left behind", left.count(), is(1L));
        }
    }
}
