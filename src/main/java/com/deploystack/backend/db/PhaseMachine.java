package com.deploystack.backend.db;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The only owner of phase transitions. Thread-safe: every transition is a compare-and-set from an
 * allowed source phase, so two threads can never both start initializing.
 *
 * <pre>
 * UNCONFIGURED (final for this process: settings come from the environment at start)
 * CONFIGURED ──► INITIALIZING ──► INITIALIZED
 *                     │   ▲
 *                     ▼   │ (retry)
 *                   FAILED
 * </pre>
 */
public final class PhaseMachine {

    /** A snapshot of the phase with its failure reason and current step (empty strings when none). */
    public record State(Phase phase, String reason, String step) {
        public State {
            Objects.requireNonNull(phase);
            Objects.requireNonNull(reason);
            Objects.requireNonNull(step);
        }
    }

    private final AtomicReference<State> state;

    private PhaseMachine(Phase initial) {
        this.state = new AtomicReference<>(new State(initial, "", ""));
    }

    public static PhaseMachine unconfigured() {
        return new PhaseMachine(Phase.UNCONFIGURED);
    }

    public static PhaseMachine configured() {
        return new PhaseMachine(Phase.CONFIGURED);
    }

    public State current() {
        return state.get();
    }

    public Phase phase() {
        return state.get().phase();
    }

    /** CONFIGURED or FAILED → INITIALIZING, starting at {@code step}. */
    public void beginInitializing(String step) {
        transition(Set.of(Phase.CONFIGURED, Phase.FAILED), new State(Phase.INITIALIZING, "", step));
    }

    /** Records which step of initialization is running (shown by the status endpoint). */
    public void step(String step) {
        transition(Set.of(Phase.INITIALIZING), new State(Phase.INITIALIZING, "", step));
    }

    /** INITIALIZING → INITIALIZED. */
    public void initialized() {
        transition(Set.of(Phase.INITIALIZING), new State(Phase.INITIALIZED, "", ""));
    }

    /** INITIALIZING → FAILED with a reason a person can act on. */
    public void failed(String reason) {
        transition(Set.of(Phase.INITIALIZING), new State(Phase.FAILED, reason, ""));
    }

    private void transition(Set<Phase> from, State to) {
        State seen;
        do {
            seen = state.get();
            if (!from.contains(seen.phase())) {
                throw new IllegalPhaseTransitionException(seen.phase(), to.phase());
            }
        } while (!state.compareAndSet(seen, to));
    }

    /** Thrown when a transition is attempted from a phase that does not allow it. */
    public static final class IllegalPhaseTransitionException extends IllegalStateException {
        IllegalPhaseTransitionException(Phase from, Phase to) {
            super("Illegal phase transition " + from + " -> " + to);
        }
    }
}
