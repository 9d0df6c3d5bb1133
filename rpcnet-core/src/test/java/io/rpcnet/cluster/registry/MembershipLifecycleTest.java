package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.ClusterEvent.Type;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.Subscription;
import io.rpcnet.cluster.TagFilter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.rpcnet.cluster.registry.Sim.MS;
import static org.assertj.core.api.Assertions.assertThat;

/** Incarnation rules, status transitions and their events. */
class MembershipLifecycleTest {

    private static final MemberId W1 = MemberId.of("w1");

    private WorkerRegistry registry;
    private EventRecorder rec;

    @BeforeEach
    void setUp() {
        registry = new WorkerRegistry();
        rec = new EventRecorder();
        registry.subscribe(rec);
    }

    private Member w1() {
        return registry.member(W1).orElseThrow();
    }

    /** Heartbeats every 500 ms from {@code from} (inclusive) for {@code beats} beats; returns the last beat time. */
    private long beat(long from, int beats, long incarnation) {
        long t = from;
        for (int i = 0; i < beats; i++) {
            t = from + i * 500 * MS;
            registry.heartbeat(W1, incarnation, MemberLoad.ZERO, t);
        }
        return t;
    }

    @Test
    void joinAndRepeatedHeartbeatsEmitOneJoined() {
        assertThat(registry.upsert(Sim.worker("w1", 1), 0)).isEqualTo(UpdateResult.JOINED);
        assertThat(registry.upsert(Sim.worker("w1", 1), 500 * MS)).isEqualTo(UpdateResult.UPDATED);
        assertThat(registry.heartbeat(W1, 1, MemberLoad.of(2, 3), 1000 * MS)).isEqualTo(UpdateResult.UPDATED);

        assertThat(rec.summary()).containsExactly("JOINED(w1)");
        assertThat(w1().status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(w1().load()).isEqualTo(MemberLoad.of(2, 3));
        assertThat(w1().lastHeartbeatNanos()).isEqualTo(1000 * MS);
        assertThat(w1().tags()).containsEntry("role", "worker");
    }

    @Test
    void tagWeightOrAddressChangesEmitTagsUpdated() {
        registry.upsert(Sim.worker("w1", 1), 0);
        registry.upsert(Sim.worker("w1", 1, Map.of("role", "worker", "zone", "eu")), 100 * MS);
        registry.upsert(Sim.worker("w1", 1, Map.of("role", "worker", "zone", "eu")), 200 * MS);
        registry.upsert(Sim.worker("w1", 1, Map.of("role", "worker", "zone", "eu")).toBuilder().weight(3).build(), 300 * MS);

        assertThat(rec.summary()).containsExactly("JOINED(w1)", "TAGS_UPDATED(w1)", "TAGS_UPDATED(w1)");
        assertThat(w1().weight()).isEqualTo(3);
        assertThat(registry.select(TagFilter.parse("zone=eu"))).map(Member::id).contains(W1);
    }

    @Test
    void staleIncarnationIsIgnored() {
        registry.upsert(Sim.worker("w1", 5), 0);

        assertThat(registry.upsert(Sim.worker("w1", 4, Map.of("role", "old")), 100 * MS)).isEqualTo(UpdateResult.STALE);
        assertThat(registry.heartbeat(W1, 4, MemberLoad.of(9, 9), 200 * MS)).isEqualTo(UpdateResult.STALE);
        assertThat(registry.markLeft(W1, 4, 300 * MS)).isFalse();

        assertThat(w1().incarnation()).isEqualTo(5);
        assertThat(w1().tags()).containsEntry("role", "worker");
        assertThat(w1().lastHeartbeatNanos()).isZero();
        assertThat(w1().status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(rec.summary()).containsExactly("JOINED(w1)");
    }

    @Test
    void heartbeatFromUnknownMemberOrNewerIncarnationAsksForAFullJoin() {
        assertThat(registry.heartbeat(W1, 1, MemberLoad.ZERO, 0)).isEqualTo(UpdateResult.UNKNOWN_MEMBER);
        registry.upsert(Sim.worker("w1", 1), 0);
        assertThat(registry.heartbeat(W1, 2, MemberLoad.ZERO, 0)).isEqualTo(UpdateResult.UNKNOWN_MEMBER);
        assertThat(w1().incarnation()).isEqualTo(1);
    }

    @Test
    void suspectRecoversOnTheNextHeartbeat() {
        registry.upsert(Sim.worker("w1", 1), 0);
        long last = beat(500 * MS, 10, 1);
        registry.evaluate(last + 900 * MS);
        assertThat(w1().status()).isEqualTo(MemberStatus.SUSPECT);
        assertThat(registry.select(TagFilter.ANY)).isEmpty();

        assertThat(registry.heartbeat(W1, 1, MemberLoad.ZERO, last + 950 * MS)).isEqualTo(UpdateResult.RECOVERED);
        registry.evaluate(last + 960 * MS);

        assertThat(w1().status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(registry.select(TagFilter.ANY)).isPresent();
        assertThat(rec.summary()).containsExactly("JOINED(w1)", "SUSPECT(w1)", "RECOVERED(w1)");
    }

    @Test
    void failedComesBackOnlyWithAHigherIncarnation() {
        registry.upsert(Sim.worker("w1", 1), 0);
        long last = beat(500 * MS, 10, 1);
        registry.evaluate(last + 3_000 * MS);
        registry.evaluate(last + 3_100 * MS);
        assertThat(w1().status()).isEqualTo(MemberStatus.FAILED);

        // the old process's heartbeat (e.g. it was only paused) does not revive it
        assertThat(registry.heartbeat(W1, 1, MemberLoad.ZERO, last + 3_200 * MS)).isEqualTo(UpdateResult.REJOIN_REQUIRED);
        assertThat(registry.upsert(Sim.worker("w1", 1), last + 3_200 * MS)).isEqualTo(UpdateResult.REJOIN_REQUIRED);
        assertThat(w1().status()).isEqualTo(MemberStatus.FAILED);

        long back = last + 4_000 * MS;
        assertThat(registry.upsert(Sim.worker("w1", 2, Map.of("role", "worker", "zone", "eu")), back))
                .isEqualTo(UpdateResult.RECOVERED);
        assertThat(w1().status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(w1().incarnation()).isEqualTo(2);
        assertThat(w1().tags()).containsEntry("zone", "eu");
        // fresh detector: not dragged down by the outage
        registry.evaluate(back + 500 * MS);
        assertThat(w1().status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(w1().phi()).isCloseTo(0.30103, org.assertj.core.api.Assertions.within(1e-4));

        assertThat(rec.summary()).containsExactly("JOINED(w1)", "SUSPECT(w1)", "FAILED(w1)", "RECOVERED(w1)");
    }

    @Test
    void leaveIsFinalForThatIncarnation() {
        registry.upsert(Sim.worker("w1", 1), 0);

        assertThat(registry.markLeft(W1, 1, 100 * MS)).isTrue();
        assertThat(registry.markLeft(W1, 1, 200 * MS)).isFalse();
        assertThat(registry.heartbeat(W1, 1, MemberLoad.ZERO, 300 * MS)).isEqualTo(UpdateResult.REJOIN_REQUIRED);
        registry.evaluate(10_000 * MS); // LEFT is not monitored: no SUSPECT/FAILED
        assertThat(w1().status()).isEqualTo(MemberStatus.LEFT);
        assertThat(registry.select(TagFilter.ANY)).isEmpty();

        assertThat(registry.upsert(Sim.worker("w1", 2), 11_000 * MS)).isEqualTo(UpdateResult.JOINED);
        assertThat(w1().status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(rec.summary()).containsExactly("JOINED(w1)", "LEFT(w1)", "JOINED(w1)");
    }

    @Test
    void failedAndLeftMembersAreForgottenAfterTheirRetention() {
        registry.upsert(Sim.worker("w1", 1), 0);
        registry.upsert(Sim.worker("w2", 1), 0);
        registry.markLeft(MemberId.of("w2"), 0);
        registry.evaluate(5_000 * MS);
        assertThat(w1().status()).isEqualTo(MemberStatus.FAILED);

        registry.evaluate(59_000 * MS);
        assertThat(registry.members()).extracting(Member::id).containsExactly(W1, MemberId.of("w2"));
        registry.evaluate(60_000 * MS);
        assertThat(registry.members()).extracting(Member::id).containsExactly(W1);
        registry.evaluate(5_000 * MS + 600_000 * MS);
        assertThat(registry.members()).isEmpty();

        // forgotten: even the old incarnation is a fresh join now
        assertThat(registry.upsert(Sim.worker("w1", 1), 700_000 * MS)).isEqualTo(UpdateResult.JOINED);
    }

    @Test
    void everyTransitionIsReportedExactlyOnceInOrder() {
        registry.upsert(Sim.worker("w1", 1), 0);
        long last = beat(500 * MS, 10, 1);
        for (long now = last; now < last + 5_000 * MS; now += 100 * MS) {
            registry.evaluate(now);
        }
        registry.upsert(Sim.worker("w1", 2), last + 6_000 * MS);
        registry.upsert(Sim.worker("w1", 2, Map.of("role", "worker", "label", "blue")), last + 6_100 * MS);
        registry.markLeft(W1, 2, last + 6_200 * MS);
        for (long now = last + 6_200 * MS; now < last + 20_000 * MS; now += 100 * MS) {
            registry.evaluate(now);
        }

        assertThat(rec.summary()).containsExactly("JOINED(w1)", "SUSPECT(w1)", "FAILED(w1)", "RECOVERED(w1)",
                "TAGS_UPDATED(w1)", "LEFT(w1)");
        assertThat(rec.events.get(2).member().status()).isEqualTo(MemberStatus.FAILED);
        assertThat(rec.events.get(4).member().tags()).containsEntry("label", "blue");
        assertThat(rec.events).allSatisfy(e -> assertThat(e.time()).isNotNull());
    }

    @Test
    void listenersSeeUpdatedStateMayReenterAndFailuresAreIsolated() {
        List<String> seen = new ArrayList<>();
        registry.subscribe(e -> {
            throw new IllegalStateException("listener bug (expected in this test)");
        });
        registry.subscribe(e -> {
            seen.add(e.type() + ":" + registry.member(W1).orElseThrow().status());
            if (e.type() == Type.FAILED) {
                registry.markLeft(W1, e.nanoTime()); // re-entrant change from inside a listener
            }
        });
        EventRecorder late = new EventRecorder();
        Subscription subscription = registry.subscribe(late);

        registry.upsert(Sim.worker("w1", 1), 0);
        registry.evaluate(10_000 * MS);
        subscription.close();
        subscription.close();
        registry.upsert(Sim.worker("w1", 2), 11_000 * MS);

        assertThat(seen).containsExactly("JOINED:ALIVE", "SUSPECT:FAILED", "FAILED:FAILED", "LEFT:LEFT", "JOINED:ALIVE");
        assertThat(late.summary()).containsExactly("JOINED(w1)", "SUSPECT(w1)", "FAILED(w1)", "LEFT(w1)");
        assertThat(rec.summary()).endsWith("LEFT(w1)", "JOINED(w1)");
    }
}
