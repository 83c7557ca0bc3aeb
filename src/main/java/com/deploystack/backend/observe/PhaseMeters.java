package com.deploystack.backend.observe;

import java.util.ArrayList;
import java.util.List;

import com.deploystack.backend.db.Phase;
import com.deploystack.backend.db.PhaseMachine;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * The phase as one time series per phase, 1 for the current one and 0 for the others
 * ({@code deploystack_phase{phase="INITIALIZED"} 1}), so that a graph shows the phase and an alert can say
 * {@code deploystack_phase{phase="FAILED"} == 1}.
 */
final class PhaseMeters {

    static final String NAME = "deploystack.phase";

    private PhaseMeters() {
    }

    static List<Meter> register(MeterRegistry registry, PhaseMachine phases) {
        List<Meter> meters = new ArrayList<>();
        for (Phase phase : Phase.values()) {
            meters.add(registry.getOrCreate(Gauge.builder(NAME, () -> phases.phase() == phase ? 1 : 0)
                                                    .addTag(Tag.create("phase", phase.name()))
                                                    .description("1 for the current phase of the database layer")));
        }
        return meters;
    }
}
