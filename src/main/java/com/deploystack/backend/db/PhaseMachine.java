package com.deploystack.backend.db;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The only owner of phase transitions. Thread-safe: every transition is a compare-and-set from an
 * allowed source phase, so two threads can never both start initializing. Beside the phase it keeps what this
 * process knows of setup, so that "set up, still catching up" is never told as "setup never performed".
 *
 * <pre>
 * UNCONFIGURED (final for this process: settings come from the environment at start)
 * CONFIGURED ──► INITIALIZING ──► INITIALIZED
 *     │               │   ▲
 *     │ (refused)     ▼   │ (retry)
 *     └─────────────► FAILED
 * </pre>
 */
public final class PhaseMachine {

    /** What this process knows of setup on its database. */
    public enum Setup {
        /** Not known yet: PostgreSQL has not been asked (it may be down) and no local file tells. */
        UNKNOWN,
        /** The database has no setup marker: setup has never been performed on it. */
        NOT_PERFORMED,
        /** Setup was performed (by this replica or another, now or earlier). */
        PERFORMED
    }

    /** A snapshot of the phase, what is known of setup, the failure reason and the current step ("" when none). */
    public record State(Phase phase, Setup setup, String reason, String step) {
        public State {
            Objects.requireNonNull(phase);
            Objects.requireNonNull(setup);
            Objects.requireNonNull(reason);
            Objects.requireNonNull(step);
        }
    }

    private final AtomicReference<State> state;

    private PhaseMachine(Phase initial) {
        this.state = new AtomicReference<>(new State(initial, Setup.UNKNOWN, "", ""));
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

    /** Records what was learnt of setup (a local file, the database's marker), whatever the phase but UNCONFIGURED. */
    public void setupIs(Setup setup) {
        State seen;
        do {
            seen = state.get();
            if (seen.phase() == Phase.UNCONFIGURED) {
                throw new IllegalPhaseTransitionException(seen.phase(), seen.phase());
            }
        } while (!state.compareAndSet(seen, new State(seen.phase(), setup, seen.reason(), seen.step())));
    }

    /** CONFIGURED or FAILED → INITIALIZING, starting at {@code step}. */
    public void beginInitializing(Step step) {
        transition(Set.of(Phase.CONFIGURED, Phase.FAILED),
                   seen -> new State(Phase.INITIALIZING, seen.setup(), "", step.label()));
    }

    /** Records which step of initialization is running (shown by the status endpoint). */
    public void step(Step step) {
        transition(Set.of(Phase.INITIALIZING), seen -> new State(Phase.INITIALIZING, seen.setup(), "", step.label()));
    }

    /** INITIALIZING → INITIALIZED: setup is performed. */
    public void initialized() {
        transition(Set.of(Phase.INITIALIZING), seen -> new State(Phase.INITIALIZED, Setup.PERFORMED, "", ""));
    }

    /** INITIALIZING → FAILED with a reason a person can act on. */
    public void failed(String reason) {
        transition(Set.of(Phase.INITIALIZING), seen -> new State(Phase.FAILED, seen.setup(), reason, ""));
    }

    /** CONFIGURED → FAILED without initializing: the database must not be touched (the reason says why). */
    public void refused(String reason) {
        transition(Set.of(Phase.CONFIGURED), seen -> new State(Phase.FAILED, seen.setup(), reason, ""));
    }

    private void transition(Set<Phase> from, UnaryOperator<State> to) {
        State seen;
        State next;
        do {
            seen = state.get();
            if (!from.contains(seen.phase())) {
                throw new IllegalPhaseTransitionException(seen.phase(), to.apply(seen).phase());
            }
            next = to.apply(seen);
        } while (!state.compareAndSet(seen, next));
    }

    /** Thrown when a transition is attempted from a phase that does not allow it. */
    public static final class IllegalPhaseTransitionException extends IllegalStateException {
        IllegalPhaseTransitionException(Phase from, Phase to) {
            super("Illegal phase transition " + from + " -> " + to);
        }
    }
}
