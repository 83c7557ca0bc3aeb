package com.deploystack.backend.health;

import java.util.function.BooleanSupplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/** Not ready from the moment a shutdown begins: load balancers stop sending requests while the service drains. */
public final class ShutdownCheck implements HealthCheck {

    private final BooleanSupplier draining;

    public ShutdownCheck(BooleanSupplier draining) {
        this.draining = draining;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "shutdown";
    }

    @Override
    public HealthCheckResponse call() {
        return draining.getAsBoolean()
                ? HealthCheckResponse.builder().status(false).detail("state", "draining").build()
                : HealthCheckResponse.builder().status(true).build();
    }
}
