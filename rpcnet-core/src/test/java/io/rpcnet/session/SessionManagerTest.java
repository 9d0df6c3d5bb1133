package io.rpcnet.session;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionManagerTest {

    private final TestClock clock = new TestClock();
    private final SessionManager manager = SessionManager.builder("worker-a").clock(clock)
            .idleTimeout(Duration.ofMinutes(10)).build();

    @Test
    void createsUniqueUrlSafe128BitIds() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            RpcSession s = manager.create();
            assertThat(s.id()).hasSize(22).matches("[A-Za-z0-9_-]+");
            assertThat(s.ownerWorkerId()).isEqualTo("worker-a");
            assertThat(s.epoch()).isEqualTo(1);
            ids.add(s.id());
        }
        assertThat(ids).hasSize(1000);
        assertThat(manager.activeSessions()).isEqualTo(1000);
        assertThat(manager.stats().created()).isEqualTo(1000);
    }

    @Test
    void findAndRemove() {
        RpcSession s = manager.create();
        assertThat(manager.find(s.id())).containsSame(s);
        assertThat(manager.find("nope")).isEmpty();
        assertThat(manager.find(null)).isEmpty();
        assertThat(manager.remove(s.id())).isTrue();
        assertThat(manager.remove(s.id())).isFalse();
        assertThat(s.isClosed()).isTrue();
        assertThat(manager.activeSessions()).isZero();
        assertThat(manager.sessionIds()).isEmpty();
    }

    @Test
    void idleSessionsExpireByTheInjectedClock() {
        RpcSession idle = manager.create();
        RpcSession busy = manager.create();
        clock.advance(Duration.ofMinutes(6));
        busy.touch();
        clock.advance(Duration.ofMinutes(4));
        assertThat(idle.isExpired(clock.instant())).isTrue();
        assertThat(busy.isExpired(clock.instant())).isFalse();

        assertThat(manager.sweepExpired()).isEqualTo(1);
        assertThat(idle.isClosed()).isTrue();
        assertThat(manager.sessionIds()).containsExactly(busy.id());
        assertThat(manager.sweepExpired()).isZero();

        clock.advance(Duration.ofMinutes(6));
        assertThat(manager.find(busy.id())).isEmpty(); // found expired: closed at once, without a sweep
        assertThat(busy.isClosed()).isTrue();
        assertThat(manager.stats()).isEqualTo(new SessionStats(0, 2, 0, 2, 0));
    }

    @Test
    void writesCountAsAccess() {
        RpcSession s = manager.create();
        clock.advance(Duration.ofMinutes(9));
        s.put("a", 1);
        clock.advance(Duration.ofMinutes(9));
        assertThat(manager.sweepExpired()).isZero();
        assertThat(s.lastAccess()).isEqualTo(clock.instant().minus(Duration.ofMinutes(9)));
    }

    @Test
    void zeroIdleTimeoutNeverExpires() {
        SessionManager forever = SessionManager.builder("w").clock(clock).idleTimeout(Duration.ZERO).build();
        RpcSession s = forever.create();
        clock.advance(Duration.ofDays(365));
        assertThat(forever.sweepExpired()).isZero();
        assertThat(forever.find(s.id())).isPresent();
    }

    @Test
    void exportAndImportMoveTheWholeState() {
        RpcSession s = manager.create();
        s.put("counter", 5);
        s.put("name", "ann");
        s.cacheResponse(11, new byte[]{1});
        SessionState state = manager.exportState(s.id()).orElseThrow();
        assertThat(state.version()).isEqualTo(3);
        assertThat(state.epoch()).isEqualTo(1);
        assertThat(state.ownerWorkerId()).isEqualTo("worker-a");
        assertThat(state.attributes()).containsOnlyKeys("counter", "name");
        assertThat(state.cachedResponses()).containsOnlyKeys(11L);
        assertThat(state.toString()).doesNotContain("ann");
        assertThat(manager.exportState("nope")).isEmpty();

        SessionManager target = SessionManager.builder("worker-b").clock(clock).build();
        RpcSession moved = target.importState(state.withEpoch(2));
        assertThat(moved.id()).isEqualTo(s.id());
        assertThat(moved.ownerWorkerId()).isEqualTo("worker-b");
        assertThat(moved.epoch()).isEqualTo(2);
        assertThat(moved.version()).isEqualTo(3);
        assertThat(moved.get("counter", Integer.class)).isEqualTo(5);
        assertThat(moved.cachedResponse(11)).isPresent();
        assertThat(moved.put("counter", 6)).isEqualTo(4);
        assertThat(target.stats().imported()).isEqualTo(1);
        assertThat(target.find(s.id())).containsSame(moved);
    }

    @Test
    void importRefusesALowerEpochAndReplacesOnEqualOrHigher() {
        RpcSession s = manager.create();
        s.put("v", 1);
        SessionState epoch1 = s.state();
        SessionManager target = SessionManager.builder("worker-b").clock(clock).build();
        RpcSession atThree = target.importState(epoch1.withEpoch(3));

        assertThatThrownBy(() -> target.importState(epoch1.withEpoch(2)))
                .isInstanceOfSatisfying(StaleEpochException.class, e -> {
                    assertThat(e.offeredEpoch()).isEqualTo(2);
                    assertThat(e.currentEpoch()).isEqualTo(3);
                    assertThat(e.sessionId()).isEqualTo(s.id());
                });
        assertThat(target.find(s.id())).containsSame(atThree);
        assertThat(atThree.isClosed()).isFalse();

        RpcSession retried = target.importState(epoch1.withEpoch(3));
        assertThat(atThree.isClosed()).isTrue();
        assertThat(target.find(s.id())).containsSame(retried);
        assertThat(target.activeSessions()).isEqualTo(1);
        assertThat(target.stats().removed()).isEqualTo(1);
    }
}
