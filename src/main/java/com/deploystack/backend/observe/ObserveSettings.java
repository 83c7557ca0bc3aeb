package com.deploystack.backend.observe;

import io.helidon.config.Config;

/**
 * The {@code observe} keys: whether the service is metered ({@code observe.metrics}, {@code OBSERVE_METRICS}) and
 * whether {@code /observe/metrics} and {@code /observe/info} need the admin token ({@code observe.protected},
 * {@code OBSERVE_PROTECTED}). Health stays open either way: load balancers check it without a token.
 */
public record ObserveSettings(boolean metrics, boolean requireToken) {

    public static ObserveSettings from(Config observe) {
        return new ObserveSettings(observe.get("metrics").asBoolean().get(),
                                   observe.get("protected").asBoolean().get());
    }
}
