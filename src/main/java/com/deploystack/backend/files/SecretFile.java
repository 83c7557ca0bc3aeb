package com.deploystack.backend.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** A random secret generated once into a file only its owner can read (mode 0600), then reused. */
public final class SecretFile {

    private SecretFile() {
    }

    /** Reads the secret in {@code file}, creating it with {@code bytes} random bytes (hex encoded) when absent. */
    public static String readOrCreate(Path file, int bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!Files.exists(file)) {
            byte[] random = new byte[bytes];
            new SecureRandom().nextBytes(random);
            // Written in full to a private temporary file, then linked under the final name: a reader sees no
            // file or the whole secret, and of two processes racing, the first link wins and both use it.
            Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(),
                                                  ".tmp",
                                                  PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temporary, HexFormat.of().formatHex(random) + "\n", StandardCharsets.US_ASCII);
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
        String secret = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (secret.isEmpty()) {
            throw new IOException(file + " is empty; remove it to generate a new secret");
        }
        return secret;
    }
}
