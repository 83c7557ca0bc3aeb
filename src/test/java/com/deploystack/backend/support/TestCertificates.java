package com.deploystack.backend.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by {@code openssl} for one test run: a CA, a server certificate it signed for
 * {@code localhost} only, and a second CA that signed nothing the server presents.
 */
public record TestCertificates(Path caCertificate, Path serverCertificate, Path serverKey, Path otherCaCertificate) {

    public static TestCertificates create(Path directory) {
        Path ca = directory.resolve("ca.crt");
        Path caKey = directory.resolve("ca.key");
        Path server = directory.resolve("server.crt");
        Path serverKey = directory.resolve("server.key");
        Path request = directory.resolve("server.csr");
        Path extensions = directory.resolve("server.ext");
        Path otherCa = directory.resolve("other-ca.crt");
        try {
            selfSignedCa(ca, caKey, "DeployStack Test CA");
            selfSignedCa(otherCa, directory.resolve("other-ca.key"), "Some Other CA");
            openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", serverKey.toString(), "-out", request.toString(), "-subj", "/CN=localhost");
            Files.writeString(extensions, "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n");
            openssl("x509", "-req", "-in", request.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                    "-CAcreateserial", "-days", "2", "-extfile", extensions.toString(), "-out", server.toString());
            // PostgreSQL refuses a private key that others can read
            Files.setPosixFilePermissions(serverKey, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestCertificates(ca, server, serverKey, otherCa);
    }

    private static void selfSignedCa(Path certificate, Path key, String name) throws IOException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", certificate.toString(), "-days", "2", "-subj", "/CN=" + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private static void openssl(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("openssl failed: " + String.join(" ", command) + "\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
