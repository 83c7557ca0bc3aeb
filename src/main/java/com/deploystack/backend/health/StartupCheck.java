package com.deploystack.backend.health;

import java.util.function.BooleanSupplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/** Started once the start-up sequence (embedded PostgreSQL, catch-up migrations) has run its first attempt. */
public final class StartupCheck implements HealthCheck {

    private final BooleanSupplier started;

    public StartupCheck(BooleanSupplier started) {
        this.started = started;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.STARTUP;
    }

    @Override
    public String name() {
        return "startup";
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.builder().status(started.getAsBoolean()).build();
    }
}
