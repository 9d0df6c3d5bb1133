package io.rpcnet.migration.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MigrationStateMachineTest {

    private static final Set<String> LEGAL = Set.of("IDLE->PREPARING", "PREPARING->TRANSFERRING",
            "PREPARING->FAILED", "TRANSFERRING->COMPLETED", "TRANSFERRING->FAILED");

    private final MutableClock clock = MutableClock.at("2026-11-02T10:00:00Z");

    /** A machine in {@code state} (TRANSFERRING at CUT_OVER, so COMPLETED is reachable). */
    private MigrationStateMachine machineIn(MigrationState state) {
        MigrationStateMachine m = new MigrationStateMachine("m", clock);
        switch (state) {
            case IDLE -> { }
            case PREPARING -> m.prepare();
            case TRANSFERRING -> {
                m.prepare();
                m.startTransfer();
                m.enterPhase(MigrationPhase.CATCH_UP);
                m.enterPhase(MigrationPhase.CUT_OVER);
            }
            case COMPLETED -> {
                machineInto(m, MigrationState.TRANSFERRING);
                m.complete();
            }
            case FAILED -> {
                m.prepare();
                m.fail(MigrationError.TARGET_UNAVAILABLE, "down");
            }
        }
        return m;
    }

    private void machineInto(MigrationStateMachine m, MigrationState s) {
        m.prepare();
        m.startTransfer();
        m.enterPhase(MigrationPhase.CATCH_UP);
        m.enterPhase(MigrationPhase.CUT_OVER);
    }

    static Stream<Arguments> allStatePairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (MigrationState from : MigrationState.values()) {
            for (MigrationState to : MigrationState.values()) {
                pairs.add(Arguments.of(from, to));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("allStatePairs")
    void onlyTheListedStateTransitionsAreAllowed(MigrationState from, MigrationState to) {
        MigrationStateMachine m = machineIn(from);
        MigrationPhase phaseBefore = m.phase();
        int historyBefore = m.history().size();
        MigrationError error = to == MigrationState.FAILED ? MigrationError.ABORTED : null;
        boolean legal = LEGAL.contains(from + "->" + to);
        assertThat(from.canTransitionTo(to)).isEqualTo(legal);
        if (legal) {
            StateTransition t = m.transition(to, null, error, "test");
            assertThat(m.state()).isEqualTo(to);
            assertThat(t.fromState()).isEqualTo(from);
            assertThat(t.toState()).isEqualTo(to);
        } else {
            assertThatThrownBy(() -> m.transition(to, null, error, "test"))
                    .isInstanceOf(IllegalTransitionException.class)
                    .satisfies(e -> {
                        IllegalTransitionException ite = (IllegalTransitionException) e;
                        assertThat(ite.fromState()).isEqualTo(from);
                        assertThat(ite.toState()).isEqualTo(to);
                    });
            assertThat(m.state()).isEqualTo(from);
            assertThat(m.phase()).isEqualTo(phaseBefore);
            assertThat(m.history()).hasSize(historyBefore);
        }
    }

    static Stream<Arguments> allPhasePairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (MigrationPhase from : MigrationPhase.values()) {
            for (MigrationPhase to : MigrationPhase.values()) {
                pairs.add(Arguments.of(from, to));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("allPhasePairs")
    void phasesOnlyMoveForwardOneStep(MigrationPhase from, MigrationPhase to) {
        MigrationStateMachine m = new MigrationStateMachine("m", clock);
        m.prepare();
        m.startTransfer();
        for (MigrationPhase p = MigrationPhase.BASE_COPY; p != from; p = p.next()) {
            m.enterPhase(p.next());
        }
        if (to == from.next()) {
            m.enterPhase(to);
            assertThat(m.phase()).isEqualTo(to);
        } else {
            assertThatThrownBy(() -> m.enterPhase(to)).isInstanceOf(IllegalTransitionException.class)
                    .hasMessageContaining("phases run BASE_COPY -> CATCH_UP -> CUT_OVER");
            assertThat(m.phase()).isEqualTo(from);
        }
    }

    @Test
    void phasesNeedTransferringAndCompletionNeedsCutOver() {
        for (MigrationState s : MigrationState.values()) {
            if (s == MigrationState.TRANSFERRING) {
                continue;
            }
            MigrationStateMachine m = machineIn(s);
            for (MigrationPhase p : MigrationPhase.values()) {
                assertThatThrownBy(() -> m.enterPhase(p)).isInstanceOf(IllegalTransitionException.class);
            }
        }
        MigrationStateMachine m = new MigrationStateMachine("m", clock);
        m.prepare();
        assertThatThrownBy(() -> m.transition(MigrationState.TRANSFERRING, MigrationPhase.CATCH_UP, null, ""))
                .hasMessageContaining("starts with BASE_COPY");
        m.startTransfer();
        assertThatThrownBy(m::complete).hasMessageContaining("requires phase CUT_OVER");
        m.enterPhase(MigrationPhase.CATCH_UP);
        assertThatThrownBy(m::complete).isInstanceOf(IllegalTransitionException.class);
        assertThatThrownBy(() -> m.transition(MigrationState.FAILED, null, null, ""))
                .hasMessageContaining("needs a MigrationError");
        assertThatThrownBy(() -> m.transition(MigrationState.FAILED, MigrationPhase.CUT_OVER, MigrationError.TIMEOUT, ""))
                .hasMessageContaining("only TRANSFERRING has phases");
        assertThatThrownBy(() -> m.transition(MigrationState.COMPLETED, null, MigrationError.TIMEOUT, ""))
                .hasMessageContaining("only FAILED carries an error");
        m.fail(MigrationError.PAUSE_BUDGET_EXCEEDED, "held calls for 600 ms");
        assertThat(m.phase()).isEqualTo(MigrationPhase.CATCH_UP); // where it failed
        assertThat(m.failure()).contains(MigrationError.PAUSE_BUDGET_EXCEEDED);
    }

    @Test
    void historyCarriesTimestampsFromTheClockAndListenersSeeEveryTransitionInOrder() {
        MigrationStateMachine m = new MigrationStateMachine("m-1", clock);
        List<String> seen = new ArrayList<>();
        m.addListener((id, t) -> seen.add(id + ":" + t.toState() + (t.toPhase() != null ? "/" + t.toPhase() : "")));
        m.addListener((id, t) -> {
            throw new IllegalStateException("a broken listener does not break the machine");
        });
        Instant t0 = clock.instant();
        m.prepare();
        clock.advance(Duration.ofMillis(5));
        m.startTransfer();
        clock.advance(Duration.ofMillis(20));
        m.enterPhase(MigrationPhase.CATCH_UP);
        clock.advance(Duration.ofMillis(3));
        m.enterPhase(MigrationPhase.CUT_OVER);
        clock.advance(Duration.ofMillis(1));
        m.complete();

        assertThat(seen).containsExactly("m-1:PREPARING", "m-1:TRANSFERRING/BASE_COPY", "m-1:TRANSFERRING/CATCH_UP",
                "m-1:TRANSFERRING/CUT_OVER", "m-1:COMPLETED/CUT_OVER");
        List<StateTransition> h = m.history();
        assertThat(h).extracting(StateTransition::at).containsExactly(t0, t0.plusMillis(5), t0.plusMillis(25),
                t0.plusMillis(28), t0.plusMillis(29));
        assertThat(h.get(0).fromState()).isEqualTo(MigrationState.IDLE);
        assertThat(m.finishedAt()).contains(t0.plusMillis(29));
        assertThat(m.isTerminal()).isTrue();
    }

    @Test
    void listenersMustNotTransitionTheirMachine() {
        MigrationStateMachine m = new MigrationStateMachine("m", clock);
        List<Throwable> errors = new ArrayList<>();
        m.addListener((id, t) -> {
            try {
                m.startTransfer();
            } catch (IllegalStateException e) {
                errors.add(e);
            }
        });
        m.prepare();
        assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("must not transition"));
        assertThat(m.state()).isEqualTo(MigrationState.PREPARING);
    }

    @Test
    void racingThreadsGetExactlyOneTerminalTransition() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 50; round++) {
                MigrationStateMachine m = machineIn(MigrationState.TRANSFERRING);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    boolean complete = i % 2 == 0;
                    results.add(pool.submit(() -> {
                        start.await();
                        try {
                            if (complete) {
                                m.complete();
                            } else {
                                m.fail(MigrationError.TIMEOUT, "race");
                            }
                            return true;
                        } catch (IllegalTransitionException e) {
                            return false;
                        }
                    }));
                }
                start.countDown();
                int wins = 0;
                for (Future<Boolean> f : results) {
                    wins += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(wins).isEqualTo(1);
                assertThat(m.history().stream().filter(t -> t.toState().isTerminal())).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
