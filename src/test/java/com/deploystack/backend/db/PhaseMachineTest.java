package com.deploystack.backend.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PhaseMachineTest {

    private static PhaseMachine in(Phase phase) {
        PhaseMachine machine = phase == Phase.UNCONFIGURED ? PhaseMachine.unconfigured() : PhaseMachine.configured();
        switch (phase) {
            case INITIALIZING -> machine.beginInitializing("migrations");
            case INITIALIZED -> {
                machine.beginInitializing("migrations");
                machine.initialized();
            }
            case FAILED -> {
                machine.beginInitializing("migrations");
                machine.failed("script 1 failed");
            }
            default -> { }
        }
        assertThat(machine.phase(), is(phase));
        return machine;
    }

    @Test
    void legalTransitionsMoveThePhaseAndKeepReasonAndStep() {
        PhaseMachine machine = in(Phase.CONFIGURED);
        machine.beginInitializing("migrations");
        assertThat(machine.current(), is(new PhaseMachine.State(Phase.INITIALIZING, "", "migrations")));
        machine.step("finishing");
        assertThat(machine.current().step(), is("finishing"));
        machine.failed("boom");
        assertThat(machine.current(), is(new PhaseMachine.State(Phase.FAILED, "boom", "")));
        machine.beginInitializing("migrations");
        assertThat(machine.phase(), is(Phase.INITIALIZING));
        machine.initialized();
        assertThat(machine.current(), is(new PhaseMachine.State(Phase.INITIALIZED, "", "")));
    }

    @Test
    void everyIllegalTransitionIsRefusedAndLeavesThePhase() {
        record Move(String name, Consumer<PhaseMachine> action, List<Phase> allowedFrom) {
        }
        List<Move> moves = List.of(
                new Move("beginInitializing", m -> m.beginInitializing("x"), List.of(Phase.CONFIGURED, Phase.FAILED)),
                new Move("step", m -> m.step("x"), List.of(Phase.INITIALIZING)),
                new Move("initialized", PhaseMachine::initialized, List.of(Phase.INITIALIZING)),
                new Move("failed", m -> m.failed("x"), List.of(Phase.INITIALIZING)));
        for (Move move : moves) {
            for (Phase from : Phase.values()) {
                PhaseMachine machine = in(from);
                if (move.allowedFrom().contains(from)) {
                    move.action().accept(machine);
                } else {
                    assertThrows(PhaseMachine.IllegalPhaseTransitionException.class,
                                 () -> move.action().accept(machine), move.name() + " from " + from);
                    assertThat(move.name() + " from " + from + " changed the phase", machine.phase(), is(from));
                }
            }
        }
    }

    @Test
    void onlyOneOfManyThreadsStartsInitializing() throws Exception {
        PhaseMachine machine = PhaseMachine.configured();
        int threads = 32;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        machine.beginInitializing("migrations");
                        return true;
                    } catch (PhaseMachine.IllegalPhaseTransitionException e) {
                        return false;
                    }
                }));
            }
            go.countDown();
            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get() ? 1 : 0;
            }
            assertThat(winners, is(1));
        }
    }
}
