package com.deploystack.backend.http;

import java.util.function.BooleanSupplier;

import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;

/**
 * Notices that the HTTP listener stopped while nobody stopped the service. Helidon 4.5 ends a listener whose
 * {@code accept} fails (for instance with "Too many open files") and keeps the process alive without a port, so
 * no orchestrator would restart it; Helidon tells the routing when its listener stops, which is when this runs.
 */
public final class ListenerLoss implements HttpFeature {

    private final BooleanSupplier stopping;
    private final Runnable onLoss;

    public ListenerLoss(BooleanSupplier stopping, Runnable onLoss) {
        this.stopping = stopping;
        this.onLoss = onLoss;
    }

    @Override
    public void setup(HttpRouting.Builder routing) {
    }

    @Override
    public void afterStop() {
        if (!stopping.getAsBoolean()) {
            onLoss.run();
        }
    }
}
