package com.deploystack.backend;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/**
 * The container's health check: {@code java -cp deploystack-db.jar com.deploystack.backend.ReadinessProbe}
 * exits 0 when {@code /observe/health/ready} answers 200, else 1. Plain JDK, so the runtime image needs no
 * curl or wget. The port is {@code SERVER_PORT} (default 3000); an argument replaces the whole URL.
 */
public final class ReadinessProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private ReadinessProbe() {
    }

    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("SERVER_PORT", "3000");
        URI uri = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:" + port + "/observe/health/ready");
        int status = status(uri);
        System.out.println(uri + " answered " + (status > 0 ? status : "nothing"));
        System.exit(status == 200 ? 0 : 1);
    }

    /** The HTTP status of {@code GET uri}, or -1 when nothing answers within the timeout. */
    static int status(URI uri) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout((int) TIMEOUT.toMillis());
            connection.setReadTimeout((int) TIMEOUT.toMillis());
            try {
                return connection.getResponseCode();
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }
}
