package io.rpcnet.migration.coordinator;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.director.CallHold;
import io.rpcnet.director.RoutingTable;
import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.state.MigrationPhase;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.session.StreamInterruption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sessions with streaming calls in flight while their worker is drained, over real QUIC + TLS on 127.0.0.1:
 * a never-ending stream is interrupted on the drain's retry (UNAVAILABLE, marked as a migration's
 * interruption) so the session moves, unless that is turned off; a stream that ends within the pause budget
 * is waited for, never interrupted; a single migration never interrupts a stream.
 */
class StreamingSessionDrainTest {

    private static final MemberId W1 = MemberId.of("w1");
    private static final MemberId W2 = MemberId.of("w2");
    private static final Duration PAUSE_BUDGET = Duration.ofMillis(300);

    private MigrationFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private void start(boolean interruptStreamsOnDrain) {
        fixture = new MigrationFixture(2, MigrationSettings.builder().pauseBudget(PAUSE_BUDGET)
                .interruptStreamsOnDrain(interruptStreamsOnDrain).build());
    }

    private String sessionOnW1() {
        fixture.registry.cordon(W2);
        String id = fixture.open(256);
        fixture.registry.uncordon(W2);
        assertThat(fixture.owner(id)).isEqualTo(W1);
        return id;
    }

    /** Opens a server stream of {@code count} ticks ({@code <= 0}: endless) in the session. */
    private StreamWatch ticks(String sessionId, int count) {
        StreamWatch watch = new StreamWatch();
        fixture.counter(sessionId).ticks(count, watch);
        return watch;
    }

    /** Increments the session's counter in a loop on its own thread, checking every answer continues it. */
    private static final class Caller implements AutoCloseable {
        final AtomicLong last;
        final List<String> failures = new CopyOnWriteArrayList<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final CompletableFuture<Void> loop;

        Caller(MigrationFixture.Counter counter, long start) {
            last = new AtomicLong(start);
            loop = CompletableFuture.runAsync(() -> {
                while (running.get()) {
                    try {
                        long got = counter.increment();
                        if (got != last.get() + 1) {
                            failures.add("expected " + (last.get() + 1) + " got " + got);
                        }
                        last.set(got);
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                }
            });
        }

        @Override
        public void close() {
            running.set(false);
            loop.orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    @Test
    void aDrainInterruptsANeverEndingStreamOnItsRetryAndTheSessionMovesWithItsStateExact() {
        start(true);
        String id = sessionOnW1();
        MigrationFixture.Counter counter = fixture.counter(id);
        for (int i = 1; i <= 3; i++) {
            assertThat(counter.increment()).isEqualTo(i);
        }
        StreamWatch stream = ticks(id, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.count() >= 3);

        DrainReport report;
        long calls;
        try (Caller caller = new Caller(counter, 3)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> caller.last.get() >= 8);
            report = fixture.coordinator.drain("w1").orTimeout(60, TimeUnit.SECONDS).join();
            long after = caller.last.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> caller.last.get() >= after + 3);
            caller.close();
            assertThat(caller.failures).as("failed or out-of-sequence unary calls").isEmpty();
            calls = caller.last.get();
        }

        assertThat(report.drained()).as(report.toString()).isTrue();
        assertThat(report.migrated()).isEqualTo(1);
        assertThat(report.errors()).as("the first round waited for the stream").containsEntry(
                MigrationError.PAUSE_BUDGET_EXCEEDED.name(), 1);
        Throwable error = stream.error.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(error).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.UNAVAILABLE);
            assertThat(e.status().message()).isEqualTo("stream interrupted: session " + id + " is moving from worker"
                    + " w1 to w2 (drain); the session continues, re-open the stream");
            assertThat(e.trailers().get(StreamInterruption.TRAILER)).isEqualTo(StreamInterruption.MIGRATION);
        });
        assertThat(StreamInterruption.isMigration(error)).isTrue();
        assertThat(stream.received).allMatch(t -> t.startsWith("w1:"));

        assertThat(fixture.routes.route(id)).contains(new RoutingTable.Route(W2, 2));
        assertThat(fixture.worker(W1).sessions.find(id)).isEmpty();
        assertThat(counter.read()).as("the counter is exact").isEqualTo(calls);
        assertThat(counter.worker()).isEqualTo("w2");
        StreamWatch reopened = ticks(id, 5);
        reopened.completed.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(reopened.received).containsExactly("w2:1", "w2:2", "w2:3", "w2:4", "w2:5");
        assertThat(counter.increment()).isEqualTo(calls + 1);
        assertThat(fixture.client.connectionsOpened()).as("the client never reconnected").isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.gateway.inFlight(id) == 0);
    }

    @Test
    void theDirectorInterruptsOnlyTheSessionsStreamingCallsNeverItsUnaryOnes() {
        start(true);
        String id = sessionOnW1();
        String other = sessionOnW1();
        StreamWatch stream = ticks(id, 0);
        StreamWatch otherStream = ticks(other, 0);
        CompletableFuture<Long> unary = CompletableFuture.supplyAsync(() -> fixture.counter(id).gatedIncrement());
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.count() >= 1 && otherStream.count() >= 1
                && fixture.gateway.inFlight(id) == 2);
        assertThat(fixture.gateway.inFlightStreams(id)).isEqualTo(1);

        int interrupted = fixture.gateway.interruptStreams(id, StreamInterruption.status(id, "w1", "w2", "drain"),
                StreamInterruption.trailers());

        assertThat(interrupted).isEqualTo(1);
        assertThat(StreamInterruption.isMigration(stream.error.orTimeout(10, TimeUnit.SECONDS).join())).isTrue();
        assertThat(fixture.gateway.inFlightStreams(id)).isZero();
        assertThat(fixture.gateway.interruptStreams(id, StreamInterruption.status(id, "w1", "w2", "drain"), null))
                .as("nothing left to interrupt").isZero();
        assertThat(unary).isNotDone();
        fixture.gate.countDown();
        assertThat(unary.orTimeout(10, TimeUnit.SECONDS).join()).as("the unary call ran to its end").isEqualTo(1);
        int seen = otherStream.count();
        await().atMost(Duration.ofSeconds(10)).until(() -> otherStream.count() >= seen + 3);
        assertThat(otherStream.ended()).as("another session's stream is untouched").isFalse();
        otherStream.cancel();
        // the worker saw the CANCELs: no call is left running on it, nor in the director
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.worker(W1).server.activeCalls() == 0
                && fixture.gateway.inFlight(id) == 0 && fixture.gateway.activeCalls() == 0);
    }

    @Test
    void aStreamWaitingOnAHoldIsNotInterruptedAndCountsAsAStreamOnceReleased() {
        start(true);
        String id = sessionOnW1();
        CallHold hold = fixture.gateway.hold(id);
        StreamWatch stream = ticks(id, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> hold.heldCalls() == 1);
        assertThat(fixture.gateway.interruptStreams(id, StreamInterruption.status(id, "w1", "w2", "drain"),
                StreamInterruption.trailers())).as("a held call is not in flight").isZero();
        hold.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.count() >= 3);
        assertThat(fixture.gateway.inFlightStreams(id)).isEqualTo(1);
        assertThat(stream.received.get(0)).isEqualTo("w1:1");
        assertThat(fixture.gateway.interruptStreams(id, StreamInterruption.status(id, "w1", "w2", "drain"),
                StreamInterruption.trailers())).isEqualTo(1);
        assertThat(StreamInterruption.isMigration(stream.error.orTimeout(10, TimeUnit.SECONDS).join())).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.gateway.activeCalls() == 0
                && fixture.worker(W1).server.activeCalls() == 0);
    }

    @Test
    void withInterruptionTurnedOffTheDrainLeavesTheSessionAndItsStreamAlone() {
        start(false);
        String id = sessionOnW1();
        MigrationFixture.Counter counter = fixture.counter(id);
        for (int i = 1; i <= 3; i++) {
            assertThat(counter.increment()).isEqualTo(i);
        }
        StreamWatch stream = ticks(id, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.count() >= 3);

        DrainReport report = fixture.coordinator.drain("w1").orTimeout(60, TimeUnit.SECONDS).join();

        assertThat(report.drained()).as(report.toString()).isFalse();
        assertThat(report.remaining()).isEqualTo(1);
        assertThat(report.migrated()).isZero();
        assertThat(report.errors()).containsOnlyKeys(MigrationError.PAUSE_BUDGET_EXCEEDED.name());
        assertThat(fixture.coordinator.isDrained("w1")).isFalse();
        assertThat(fixture.routes.route(id)).contains(new RoutingTable.Route(W1, 1));
        assertThat(counter.increment()).as("the state is intact").isEqualTo(4);
        assertThat(counter.worker()).isEqualTo("w1");
        int seen = stream.count();
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.count() >= seen + 5);
        assertThat(stream.ended()).as("the stream keeps delivering").isFalse();
        assertThat(stream.received).allMatch(t -> t.startsWith("w1:"));
        stream.cancel();
    }

    @Test
    void aShortStreamThatEndsWithinThePauseBudgetIsWaitedForNotInterrupted() {
        start(true);
        String id = sessionOnW1();
        assertThat(fixture.counter(id).increment()).isEqualTo(1);
        StreamWatch stream = new StreamWatch();
        fixture.counter(id).gatedTicks(4, stream);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.count() == 1);
        // the stream ends 50 ms into the cut-over (the hold is placed right after this transition)
        fixture.coordinator.addStateListener((mid, t) -> {
            if (t.toPhase() == MigrationPhase.CUT_OVER && t.fromPhase() != MigrationPhase.CUT_OVER) {
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(fixture.streamGate::countDown);
            }
        });

        DrainReport report = fixture.coordinator.drain("w1").orTimeout(60, TimeUnit.SECONDS).join();

        assertThat(report.drained()).as(report.toString()).isTrue();
        assertThat(report.migrated()).isEqualTo(1);
        assertThat(report.failed()).isZero();
        stream.completed.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(stream.error).isNotDone();
        assertThat(stream.received).containsExactly("w1:1", "w1:2", "w1:3", "w1:4");
        MigrationOutcome outcome = fixture.coordinator.recentOutcomes().get(0);
        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.pause()).as("the cut-over waited for the stream").isGreaterThanOrEqualTo(
                Duration.ofMillis(40)).isLessThan(PAUSE_BUDGET);
        assertThat(fixture.routes.route(id)).contains(new RoutingTable.Route(W2, 2));
        assertThat(fixture.counter(id).increment()).isEqualTo(2);
    }

    @Test
    void aSingleMigrationOfASessionWithANeverEndingStreamRollsBackAndLeavesTheStreamAlone() {
        start(true);
        String id = sessionOnW1();
        MigrationFixture.Counter counter = fixture.counter(id);
        assertThat(counter.increment()).isEqualTo(1);
        StreamWatch stream = ticks(id, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.count() >= 3);

        MigrationOutcome outcome = fixture.coordinator.migrate(id, "w2", MigrationParty.OPERATOR, "rebalance")
                .outcome().orTimeout(60, TimeUnit.SECONDS).join();

        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.error()).contains(MigrationError.PAUSE_BUDGET_EXCEEDED);
        assertThat(outcome.detail()).contains("1 streaming");
        assertThat(fixture.routes.route(id)).contains(new RoutingTable.Route(W1, 1));
        assertThat(counter.increment()).isEqualTo(2);
        assertThat(counter.worker()).isEqualTo("w1");
        int seen = stream.count();
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.count() >= seen + 5);
        assertThat(stream.ended()).as("the stream is untouched").isFalse();
        assertThat(stream.received).allMatch(t -> t.startsWith("w1:"));
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.worker(W2).participant.activeMigrations() == 0);
        stream.cancel();
    }
}
