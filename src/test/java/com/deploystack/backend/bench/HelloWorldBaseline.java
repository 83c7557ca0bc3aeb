package com.deploystack.backend.bench;


import com.deploystack.backend.ServiceConfig;
import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;

/**
 * The baseline of the start-up and throughput benchmarks: a bare Helidon SE hello-world with the service's
 * server configuration ({@code config/application.yaml} over the same defaults, so tcp-no-delay too), one
 * route {@code GET /hello}, started the same way as {@code Main} and from the same classpath.
 */
public final class HelloWorldBaseline {

    private HelloWorldBaseline() {
    }

    public static void main(String[] args) {
        LogConfig.configureRuntime();
        // the service's own configuration, so that both servers start with the same server settings
        Config config = ServiceConfig.load();
        WebServer server = WebServer.builder()
                .config(config.get("server"))
                .routing(routing -> routing.get("/hello", (request, response) -> response.send("Hello World!")))
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "shutdown"));
        System.getLogger(HelloWorldBaseline.class.getName()).log(System.Logger.Level.INFO,
                "Hello world listening on port " + server.port());
    }
}
