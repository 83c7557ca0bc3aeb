package com.deploystack.backend;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/**
 * The container's health check: {@code java -cp deploystack-db.jar com.deploystack.backend.ReadinessProbe PATH}
 * exits 0 when {@code http://127.0.0.1:$SERVER_PORT/PATH} answers 200 (port 3000 by default), else 1. Plain JDK,
 * so the runtime image needs neither curl nor wget.
 */
public final class ReadinessProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private ReadinessProbe() {
    }

    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("SERVER_PORT", "3000");
        URI uri = URI.create("http://127.0.0.1:" + port + (args.length > 0 ? args[0] : "/observe/health/ready"));
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
