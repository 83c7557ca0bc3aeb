package com.deploystack.backend.http;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The listener stopping is a loss only when the service did not stop it. */
class ListenerLossTest {

    @Test
    void aListenerThatStopsWhileTheServiceRunsIsALoss() {
        AtomicInteger losses = new AtomicInteger();

        new ListenerLoss(() -> false, losses::incrementAndGet).afterStop();

        assertThat(losses.get(), is(1));
    }

    @Test
    void aListenerStoppedByTheShutdownIsNoLoss() {
        AtomicInteger losses = new AtomicInteger();

        new ListenerLoss(() -> true, losses::incrementAndGet).afterStop();

        assertThat(losses.get(), is(0));
    }
}
