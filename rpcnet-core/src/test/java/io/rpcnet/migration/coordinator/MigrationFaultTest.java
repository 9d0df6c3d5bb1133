package io.rpcnet.migration.coordinator;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.director.RoutingTable;
import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.crypto.KeyRing;
import io.rpcnet.migration.crypto.MigrationKey;
import io.rpcnet.migration.snapshot.StateHandlers;
import io.rpcnet.migration.state.MigrationPhase;
import io.rpcnet.migration.wire.MigrationProtocol;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Faults at every phase of a live migration, over real QUIC + TLS: each ends in a rollback (the session
 * stays on its source with its state exact, the target holds nothing) or, when the source itself dies,
 * in SESSION_LOST — never in duplicated or half-applied state.
 */
class MigrationFaultTest {

    private static final MemberId W1 = MemberId.of("w1");
    private static final MemberId W2 = MemberId.of("w2");

    private MigrationFixture fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private String sessionOnW1(int payloadBytes) {
        fixture.registry.cordon(W2);
        String id = fixture.open(payloadBytes);
        fixture.registry.uncordon(W2);
        assertThat(fixture.owner(id)).isEqualTo(W1);
        return id;
    }

    private MigrationOutcome migrate(String id) {
        return fixture.coordinator.migrate(id, "w2", MigrationParty.OPERATOR, "fault test").outcome()
                .orTimeout(60, TimeUnit.SECONDS).join();
    }

    /** The session is still served by w1 at epoch 1 with its counter intact, and w2 keeps nothing. */
    private void assertRolledBack(String id, long counter) {
        assertThat(fixture.routes.route(id)).contains(new RoutingTable.Route(W1, 1));
        assertThat(fixture.counter(id).increment()).isEqualTo(counter + 1);
        assertThat(fixture.counter(id).worker()).isEqualTo("w1");
        if (fixture.worker(W2).server.isRunning()) {
            assertThat(fixture.worker(W2).sessions.find(id)).isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.worker(W2).participant.activeMigrations() == 0);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.worker(W1).participant.activeMigrations() == 0);
    }

    @ParameterizedTest
    @EnumSource(value = MigrationPhase.class, names = {"BASE_COPY", "CATCH_UP", "CUT_OVER"})
    void theTargetDyingInAnyPhaseRollsBack(MigrationPhase phase) {
        fixture = new MigrationFixture(2, MigrationSettings.builder().stepTimeout(Duration.ofSeconds(2)).build());
        String id = sessionOnW1(64 * 1024);
        for (int i = 1; i <= 5; i++) {
            assertThat(fixture.counter(id).increment()).isEqualTo(i);
        }
        fixture.coordinator.addStateListener((mid, t) -> {
            if (t.toPhase() == phase && t.fromPhase() != phase) {
                fixture.worker(W2).server.close();
            }
        });
        MigrationOutcome outcome = migrate(id);
        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.error()).get().isIn(MigrationError.TARGET_UNAVAILABLE, MigrationError.PAUSE_BUDGET_EXCEEDED);
        assertRolledBack(id, 5);
    }

    @Test
    void theSourceDyingLosesTheSessionClearlyAndTheTargetKeepsNothing() {
        fixture = new MigrationFixture(2, MigrationSettings.builder().stepTimeout(Duration.ofSeconds(2)).build());
        String id = sessionOnW1(1024);
        assertThat(fixture.counter(id).increment()).isEqualTo(1);
        fixture.coordinator.addStateListener((mid, t) -> {
            if (t.toPhase() == MigrationPhase.CATCH_UP && t.fromPhase() != MigrationPhase.CATCH_UP) {
                fixture.worker(W1).server.close();
            }
        });
        MigrationOutcome outcome = migrate(id);
        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.error()).contains(MigrationError.SOURCE_UNAVAILABLE);
        assertThat(fixture.worker(W2).sessions.find(id)).as("no half-imported copy").isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.worker(W2).participant.activeMigrations() == 0);

        // the director declares w1 FAILED (w2 keeps heartbeating): its sessions are lost, clearly
        long later = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        long w2Incarnation = fixture.registry.member(W2).orElseThrow().incarnation();
        fixture.registry.heartbeat(W2, w2Incarnation, MemberLoad.ZERO, later);
        fixture.registry.evaluate(later);
        assertThat(fixture.registry.member(W1).orElseThrow().status()).isEqualTo(MemberStatus.FAILED);
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.routes.route(id).isEmpty());
        assertThatThrownBy(() -> fixture.counter(id).increment()).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(StatusCode.SESSION_LOST);
            assertThat(e.getMessage()).contains("open a new session");
        });
        String fresh = fixture.open(0);
        assertThat(fixture.owner(fresh)).isEqualTo(W2);
        assertThat(fixture.counter(fresh).increment()).isEqualTo(1);
    }

    @Test
    void stateCorruptedInTransitIsRefusedAndNothingIsRestored() {
        fixture = new MigrationFixture(2, MigrationSettings.defaults());
        String id = sessionOnW1(200 * 1024);
        assertThat(fixture.counter(id).increment()).isEqualTo(1);
        fixture.importTamper = r -> {
            if (r.chunks().isEmpty()) {
                return r;
            }
            List<byte[]> chunks = new ArrayList<>(r.chunks());
            byte[] first = chunks.get(0).clone();
            first[first.length / 2] ^= 0x01;
            chunks.set(0, first);
            return new MigrationProtocol.BaseImport(r.migrationId(), r.manifest(), r.from(), chunks, r.digest(),
                    r.version());
        };
        MigrationOutcome outcome = migrate(id);
        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.error()).contains(MigrationError.STATE_CORRUPTION);
        assertRolledBack(id, 1);
        fixture.importTamper = r -> r;
        assertThat(migrate(id).completed()).as("a clean retry succeeds").isTrue();
        assertThat(fixture.counter(id).increment()).isEqualTo(3);
        assertThat(fixture.counter(id).worker()).isEqualTo("w2");
    }

    @Test
    void aTokenSignedWithAnUnknownKeyIsRefusedBeforeAnythingMoves() {
        KeyRing forged = KeyRing.of(MigrationKey.generate("tok-1", new SecureRandom()));
        fixture = new MigrationFixture(2, MigrationSettings.defaults(), StateHandlers.none(), forged);
        String id = sessionOnW1(1024);
        assertThat(fixture.counter(id).increment()).isEqualTo(1);
        MigrationOutcome outcome = migrate(id);
        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.error()).contains(MigrationError.INVALID_TOKEN);
        assertThat(outcome.pause()).isZero();
        assertRolledBack(id, 1);
    }

    @Test
    void aCallOutlastingThePauseBudgetRollsBackAndHeldCallsRunOnTheSource() {
        fixture = new MigrationFixture(2, MigrationSettings.builder().pauseBudget(Duration.ofMillis(50)).build());
        String id = sessionOnW1(1024);
        assertThat(fixture.counter(id).increment()).isEqualTo(1);
        CompletableFuture<Long> slow = CompletableFuture.supplyAsync(() -> fixture.counter(id).gatedIncrement());
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.gateway.inFlight(id) == 1);
        AtomicReference<CompletableFuture<String>> heldCall = new AtomicReference<>();
        fixture.coordinator.addStateListener((mid, t) -> {
            if (t.toPhase() == MigrationPhase.CUT_OVER && t.fromPhase() != MigrationPhase.CUT_OVER) {
                // a call arriving during the cut-over is held, then released to the source after the rollback
                heldCall.set(CompletableFuture.supplyAsync(() -> fixture.counter(id).worker()));
            }
        });
        MigrationOutcome outcome = migrate(id);
        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.error()).contains(MigrationError.PAUSE_BUDGET_EXCEEDED);
        assertThat(outcome.pause()).isGreaterThanOrEqualTo(Duration.ofMillis(50)).isLessThan(Duration.ofMillis(1000));
        assertThat(heldCall.get().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo("w1");
        assertThat(slow).as("the long call is still running").isNotDone();
        fixture.gate.countDown();
        assertThat(slow.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(2);
        assertRolledBack(id, 2);
    }
}
