package io.rpcnet.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker-side states of a session during a migration: detached, frozen, handed over (no server). */
class SessionMoveStatesTest {

    private final TestClock clock = new TestClock();
    private final SessionManager manager = SessionManager.builder("worker-a").clock(clock)
            .idleTimeout(Duration.ofMinutes(10)).movedGrace(Duration.ofSeconds(30)).build();

    @Test
    void aDetachedSessionIsNotHeldUntilImportedAtTheNewEpoch() {
        RpcSession source = SessionManager.builder("worker-b").build().create();
        source.put("cart", List.of("apple"));
        long v0 = source.version();

        RpcSession staged = manager.detached(source.state());
        assertThat(staged.ownerWorkerId()).isEqualTo("worker-a");
        assertThat(staged.epoch()).isEqualTo(1);
        assertThat(manager.find(source.id())).isEmpty();
        assertThat(manager.activeSessions()).isZero();

        source.put("cart", List.of("apple", "pear"));
        staged.apply(source.changesSince(v0)); // catch-up on the staged copy
        assertThat(manager.find(source.id())).isEmpty();

        RpcSession served = manager.importState(staged.state().withEpoch(2));
        staged.close();
        assertThat(manager.find(source.id())).containsSame(served);
        assertThat(served.epoch()).isEqualTo(2);
        assertThat(served.version()).isEqualTo(source.version());
        assertThat(served.get("cart", List.class)).containsExactly("apple", "pear");
        assertThat(served.isClosed()).isFalse(); // closing the staged copy left the held one alone
        assertThat(manager.stats().imported()).isEqualTo(1);
    }

    @Test
    void closingADetachedSessionNeverRemovesAHeldOneOfTheSameId() {
        RpcSession held = manager.create();
        RpcSession staged = manager.detached(held.state());
        staged.close();
        assertThat(manager.find(held.id())).containsSame(held);
        assertThat(manager.stats().removed()).isZero();
    }

    @Test
    void freezeAndUnfreezeKeepTheStateAndOnlyApplyToHeldSessions() {
        RpcSession s = manager.create();
        s.put("n", 7);
        assertThat(s.isFrozen()).isFalse();
        assertThat(manager.freeze(s.id())).isTrue();
        assertThat(manager.freeze(s.id())).isTrue(); // idempotent
        assertThat(s.isFrozen()).isTrue();
        assertThat(manager.find(s.id())).containsSame(s); // still held
        assertThat(manager.exportState(s.id()).orElseThrow().version()).isEqualTo(1);

        assertThat(manager.unfreeze(s.id())).isTrue();
        assertThat(s.isFrozen()).isFalse();
        assertThat(s.get("n", Integer.class)).isEqualTo(7);

        assertThat(manager.freeze("no-such-session")).isFalse();
        assertThat(manager.unfreeze("no-such-session")).isFalse();
        assertThat(manager.freeze(null)).isFalse();
    }

    @Test
    void aFrozenSessionRefusesChangesSoNoneIsLostWithTheCopyItLeavesBehind() {
        RpcSession s = manager.create();
        s.put("n", 7);
        s.cacheResponse(1, new byte[] {1});
        long frozenAt = s.version();
        manager.freeze(s.id());

        assertThatThrownBy(() -> s.put("n", 8)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("frozen for a migration");
        assertThatThrownBy(() -> s.remove("n")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.cacheResponse(2, new byte[] {2})).isInstanceOf(IllegalStateException.class);
        assertThat(s.version()).isEqualTo(frozenAt); // nothing half-applied
        assertThat(s.get("n", Integer.class)).isEqualTo(7); // reads still work
        assertThat(s.changesSince(0).changes()).hasSize(2);

        manager.unfreeze(s.id()); // a rolled-back migration: the session is writable again
        s.put("n", 8);
        assertThat(s.get("n", Integer.class)).isEqualTo(8);
        assertThat(s.version()).isEqualTo(frozenAt + 1);
    }

    @Test
    void aFrozenSessionDoesNotIdleExpireAndUnfreezingRestartsItsIdleTime() {
        RpcSession s = manager.create();
        manager.freeze(s.id());
        clock.advance(Duration.ofMinutes(11));
        assertThat(manager.sweepExpired()).isZero();
        assertThat(manager.find(s.id())).containsSame(s);

        manager.unfreeze(s.id());
        clock.advance(Duration.ofMinutes(9));
        assertThat(manager.sweepExpired()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(manager.sweepExpired()).isEqualTo(1);
        assertThat(s.isClosed()).isTrue();
    }

    @Test
    void anExpiredSessionCannotBeFrozenBackToLife() {
        RpcSession s = manager.create();
        clock.advance(Duration.ofMinutes(10));
        assertThat(manager.freeze(s.id())).isFalse();
        assertThat(s.isClosed()).isTrue();
    }

    @Test
    void handOverClosesTheSessionAndRemembersTheMoveForTheGracePeriod() {
        RpcSession s = manager.create();
        manager.freeze(s.id());
        assertThat(manager.handOver(s.id(), "worker-b", 2)).isTrue();
        assertThat(s.isClosed()).isTrue();
        assertThat(manager.find(s.id())).isEmpty();
        assertThat(manager.movedTo(s.id())).contains(new MovedTo("worker-b", 2));
        assertThat(manager.stats().removed()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(30).minusMillis(1));
        assertThat(manager.movedTo(s.id())).contains(new MovedTo("worker-b", 2));
        clock.advance(Duration.ofMillis(1));
        assertThat(manager.movedTo(s.id())).isEmpty();
        assertThat(manager.movedTo(null)).isEmpty();
    }

    @Test
    void aRetriedHandOverOfASessionNoLongerHeldStillRecordsTheMove() {
        RpcSession s = manager.create();
        assertThat(manager.handOver(s.id(), "worker-b", 2)).isTrue();
        assertThat(manager.handOver(s.id(), "worker-c", 3)).isFalse();
        assertThat(manager.movedTo(s.id())).contains(new MovedTo("worker-c", 3));
        assertThat(manager.movedSessions()).isEqualTo(1);
    }

    @Test
    void badHandOversAreRefusedAndChangeNothing() {
        RpcSession s = manager.create();
        assertThatThrownBy(() -> manager.handOver(s.id(), "worker-b", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("held at epoch 1").hasMessageContaining("got 1");
        assertThatThrownBy(() -> manager.handOver(s.id(), "worker-a", 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be handed over to this worker, worker-a");
        assertThatThrownBy(() -> manager.handOver(s.id(), "worker b", 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> manager.handOver(s.id(), "", 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> manager.handOver(s.id(), null, 2)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> manager.handOver(s.id(), "worker-b", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch must be >= 0");
        assertThat(manager.find(s.id())).containsSame(s);
        assertThat(s.isClosed()).isFalse();
        assertThat(manager.movedTo(s.id())).isEmpty();
        assertThat(manager.movedSessions()).isZero();
    }

    @Test
    void movedEntriesAreBoundedOldestFirst() {
        SessionManager small = SessionManager.builder("worker-a").clock(clock).maxMovedSessions(3).build();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RpcSession s = small.create();
            ids.add(s.id());
            small.handOver(s.id(), "worker-b", 2);
            clock.advance(Duration.ofMillis(1));
        }
        assertThat(small.movedSessions()).isEqualTo(3);
        assertThat(small.movedTo(ids.get(0))).isEmpty();
        assertThat(small.movedTo(ids.get(1))).isEmpty();
        for (String id : ids.subList(2, 5)) {
            assertThat(small.movedTo(id)).contains(new MovedTo("worker-b", 2));
        }
        // re-recording a remembered id makes it the youngest, so it outlives the ones recorded before it
        small.handOver(ids.get(2), "worker-c", 3);
        small.handOver("another", "worker-b", 2);
        assertThat(small.movedTo(ids.get(3))).isEmpty();
        assertThat(small.movedTo(ids.get(2))).contains(new MovedTo("worker-c", 3));
        assertThat(small.movedTo(ids.get(4))).isPresent();
        assertThat(small.movedTo("another")).isPresent();
        assertThat(small.movedSessions()).isEqualTo(3);
    }

    @Test
    void manyReplacedEntriesNeverEvictLiveOnesEarly() {
        SessionManager small = SessionManager.builder("worker-a").clock(clock).maxMovedSessions(2).build();
        small.handOver("first", "worker-b", 2);
        small.handOver("second", "worker-b", 2);
        for (int i = 0; i < 100; i++) { // stale slots of "second" pile up and are compacted away
            small.handOver("second", "worker-b", 3 + i);
        }
        assertThat(small.movedTo("first")).contains(new MovedTo("worker-b", 2));
        assertThat(small.movedTo("second")).contains(new MovedTo("worker-b", 102));
    }

    @Test
    void zeroMaxMovedSessionsRemembersNothing() {
        SessionManager none = SessionManager.builder("worker-a").clock(clock).maxMovedSessions(0).build();
        RpcSession s = none.create();
        assertThat(none.handOver(s.id(), "worker-b", 2)).isTrue();
        assertThat(none.movedTo(s.id())).isEmpty();
        assertThat(none.movedSessions()).isZero();
    }

    @Test
    void sweepExpiredForgetsMovesPastTheirGrace() {
        RpcSession old = manager.create();
        manager.handOver(old.id(), "worker-b", 2);
        clock.advance(Duration.ofSeconds(20));
        RpcSession young = manager.create();
        manager.handOver(young.id(), "worker-b", 2);
        clock.advance(Duration.ofSeconds(10));

        assertThat(manager.movedSessions()).isEqualTo(2);
        assertThat(manager.sweepExpired()).isZero(); // counts sessions, not moves
        assertThat(manager.movedSessions()).isEqualTo(1);
        assertThat(manager.movedTo(young.id())).isPresent();
        clock.advance(Duration.ofSeconds(20));
        manager.sweepExpired();
        assertThat(manager.movedSessions()).isZero();
    }

    @Test
    void aMovedSessionComingBackAtAHigherEpochIsServedAgainAndALowerOneIsStale() {
        RpcSession s = manager.create();
        s.put("n", 1);
        SessionState exported = s.state();
        manager.handOver(s.id(), "worker-b", 3);

        assertThatThrownBy(() -> manager.importState(exported.withEpoch(2)))
                .isInstanceOfSatisfying(StaleEpochException.class, e -> {
                    assertThat(e.offeredEpoch()).isEqualTo(2);
                    assertThat(e.currentEpoch()).isEqualTo(3);
                });
        assertThat(manager.movedTo(s.id())).contains(new MovedTo("worker-b", 3));
        assertThat(manager.find(s.id())).isEmpty();

        RpcSession back = manager.importState(exported.withEpoch(4));
        assertThat(manager.movedTo(s.id())).isEmpty();
        assertThat(manager.movedSessions()).isZero();
        assertThat(manager.find(s.id())).containsSame(back);
        assertThat(back.get("n", Integer.class)).isEqualTo(1);
    }

    @Test
    void builderRefusesBadMoveSettings() {
        SessionManager.Builder b = SessionManager.builder("w");
        assertThatThrownBy(() -> b.movedGrace(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("movedGrace must be >= 0");
        assertThatThrownBy(() -> b.maxMovedSessions(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMovedSessions must be >= 0");
        SessionManager forever = b.clock(clock).movedGrace(Duration.ofSeconds(Long.MAX_VALUE)).build();
        forever.handOver("x", "worker-b", 2);
        clock.advance(Duration.ofDays(365_000));
        assertThat(forever.movedTo("x")).isPresent(); // no overflow into the past
    }
}
