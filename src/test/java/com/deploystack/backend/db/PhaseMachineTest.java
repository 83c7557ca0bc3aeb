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
            case INITIALIZING -> machine.beginInitializing(Step.MIGRATIONS);
            case INITIALIZED -> {
                machine.beginInitializing(Step.MIGRATIONS);
                machine.initialized();
            }
            case FAILED -> {
                machine.beginInitializing(Step.MIGRATIONS);
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
        machine.beginInitializing(Step.MIGRATIONS);
        assertThat(machine.current(), is(new PhaseMachine.State(Phase.INITIALIZING, PhaseMachine.Setup.UNKNOWN, "",
                                                                 "migrations")));
        machine.step(Step.FINISHING);
        assertThat(machine.current().step(), is("finishing"));
        machine.failed("boom");
        assertThat(machine.current(), is(new PhaseMachine.State(Phase.FAILED, PhaseMachine.Setup.UNKNOWN, "boom", "")));
        machine.beginInitializing(Step.MIGRATIONS);
        assertThat(machine.phase(), is(Phase.INITIALIZING));
        machine.initialized();
        assertThat(machine.current(), is(new PhaseMachine.State(Phase.INITIALIZED, PhaseMachine.Setup.PERFORMED, "", "")));
    }

    @Test
    void everyIllegalTransitionIsRefusedAndLeavesThePhase() {
        record Move(String name, Consumer<PhaseMachine> action, List<Phase> allowedFrom) {
        }
        List<Move> moves = List.of(
                new Move("beginInitializing", m -> m.beginInitializing(Step.SETTINGS), List.of(Phase.CONFIGURED, Phase.FAILED)),
                new Move("step", m -> m.step(Step.SETTINGS), List.of(Phase.INITIALIZING)),
                new Move("initialized", PhaseMachine::initialized, List.of(Phase.INITIALIZING)),
                new Move("failed", m -> m.failed("x"), List.of(Phase.INITIALIZING)),
                new Move("refused", m -> m.refused("x"), List.of(Phase.CONFIGURED)),
                new Move("setupIs", m -> m.setupIs(PhaseMachine.Setup.PERFORMED),
                         List.of(Phase.CONFIGURED, Phase.INITIALIZING, Phase.INITIALIZED, Phase.FAILED)));
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
    void whatIsKnownOfSetupSurvivesTheTransitionsUntilInitializedMakesItPerformed() {
        PhaseMachine machine = in(Phase.CONFIGURED);
        assertThat(machine.current().setup(), is(PhaseMachine.Setup.UNKNOWN));
        machine.setupIs(PhaseMachine.Setup.NOT_PERFORMED);
        machine.beginInitializing(Step.MIGRATIONS);
        machine.failed("boom");
        assertThat(machine.current().setup(), is(PhaseMachine.Setup.NOT_PERFORMED));
        machine.setupIs(PhaseMachine.Setup.PERFORMED);
        machine.beginInitializing(Step.MIGRATIONS);
        assertThat(machine.current().setup(), is(PhaseMachine.Setup.PERFORMED));
        machine.initialized();
        assertThat(machine.current().setup(), is(PhaseMachine.Setup.PERFORMED));
    }

    @Test
    void aRefusedStartFailsWithoutInitializing() {
        PhaseMachine machine = in(Phase.CONFIGURED);
        machine.setupIs(PhaseMachine.Setup.PERFORMED);
        machine.refused("not the database that was set up");
        assertThat(machine.current(), is(new PhaseMachine.State(Phase.FAILED, PhaseMachine.Setup.PERFORMED,
                                                                 "not the database that was set up", "")));
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
                        machine.beginInitializing(Step.MIGRATIONS);
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
