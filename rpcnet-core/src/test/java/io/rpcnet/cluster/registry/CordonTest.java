package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.NoWorkerAvailableException;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.balance.Candidates;
import io.rpcnet.cluster.balance.LoadBalancer;
import io.rpcnet.cluster.balance.LoadBalancingStrategy;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.rpcnet.cluster.registry.Sim.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cordoned members stay ALIVE and monitored but get no new work; a new incarnation clears the cordon. */
class CordonTest {

    private static final TagFilter WORKERS = TagFilter.parse("role=worker");
    private static final MemberId W1 = MemberId.of("w1");
    private static final MemberId W2 = MemberId.of("w2");
    private static final MemberId W3 = MemberId.of("w3");

    private static WorkerRegistry roundRobin(String... ids) {
        WorkerRegistry r = new WorkerRegistry(RegistryConfig.builder()
                .balancer(LoadBalancingStrategy.ROUND_ROBIN.newBalancer()).build());
        for (String id : ids) {
            r.upsert(Sim.worker(id, 1), 0);
        }
        return r;
    }

    private static Set<String> chosen(WorkerRegistry r, int n) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(r.require(WORKERS).id().value());
        }
        return ids;
    }

    @Test
    void aCordonedMemberStaysAliveButIsNotSelectedUntilUncordoned() {
        WorkerRegistry r = roundRobin("w1", "w2", "w3");
        EventRecorder rec = new EventRecorder();
        r.subscribe(rec);
        assertThat(chosen(r, 30)).containsExactlyInAnyOrder("w1", "w2", "w3");

        assertThat(r.cordon(W2)).isTrue();
        assertThat(r.cordon(W2)).as("already cordoned").isFalse();
        assertThat(r.isCordoned(W2)).isTrue();
        assertThat(r.isCordoned(W1)).isFalse();
        assertThat(r.cordoned()).containsExactly(W2);
        assertThat(chosen(r, 30)).containsExactlyInAnyOrder("w1", "w3");
        assertThat(r.select(WORKERS).map(Member::id).orElseThrow()).isNotEqualTo(W2);
        assertThat(r.alive(WORKERS)).extracting(Member::id).containsExactly(W1, W3);
        assertThat(r.member(W2).orElseThrow().status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(r.members()).extracting(Member::id).containsExactly(W1, W2, W3);
        assertThat(rec.events).as("a cordon is not a membership change").isEmpty();

        r.cordon(W3);
        assertThat(r.cordoned()).containsExactly(W2, W3);
        assertThat(chosen(r, 10)).containsExactly("w1");
        r.cordon(W1);
        assertThat(r.select(WORKERS)).isEmpty();
        assertThatThrownBy(() -> r.require(WORKERS)).isInstanceOf(NoWorkerAvailableException.class);

        assertThat(r.uncordon(W2)).isTrue();
        assertThat(r.uncordon(W2)).as("not cordoned any more").isFalse();
        assertThat(chosen(r, 10)).containsExactly("w2");
        r.uncordon(W1);
        r.uncordon(W3);
        assertThat(r.cordoned()).isEmpty();
        assertThat(chosen(r, 30)).containsExactlyInAnyOrder("w1", "w2", "w3");
    }

    @Test
    void unknownMembersCannotBeCordoned() {
        WorkerRegistry r = roundRobin("w1");
        assertThatThrownBy(() -> r.cordon(MemberId.of("ghost"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ghost");
        assertThat(r.uncordon(MemberId.of("ghost"))).isFalse();
        assertThat(r.isCordoned(MemberId.of("ghost"))).isFalse();
        assertThat(r.cordoned()).isEmpty();
    }

    @Test
    void aCordonedMemberIsStillMonitoredAndKeepsItsCordonThroughSuspicion() {
        SimCluster sim = new SimCluster().start("w1", "w2");
        sim.advance(5_000);
        sim.registry.cordon(W1);

        // a late heartbeat: SUSPECT then RECOVERED at the same incarnation, still cordoned
        sim.silence("w1");
        sim.advance(950);
        assertThat(sim.registry.member(W1).orElseThrow().status()).isEqualTo(MemberStatus.SUSPECT);
        sim.registry.heartbeat(W1, 1, MemberLoad.ZERO, sim.now);
        assertThat(sim.registry.member(W1).orElseThrow().status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(sim.registry.isCordoned(W1)).isTrue();
        assertThat(sim.registry.alive(WORKERS)).extracting(Member::id).containsExactly(W2);

        // it crashes for good: the failure detector still declares it FAILED
        sim.advance(10_000);
        assertThat(sim.registry.member(W1).orElseThrow().status()).isEqualTo(MemberStatus.FAILED);
        assertThat(sim.events.count(io.rpcnet.cluster.ClusterEvent.Type.FAILED, "w1")).isEqualTo(1);
        assertThat(sim.registry.isCordoned(W1)).isTrue();

        // a restart (higher incarnation) is a fresh member: no cordon
        sim.start("w1", 2, 0);
        assertThat(sim.registry.member(W1).orElseThrow().status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(sim.registry.isCordoned(W1)).isFalse();
        assertThat(sim.registry.alive(WORKERS)).extracting(Member::id).containsExactly(W1, W2);
    }

    @Test
    void aMemberThatLeftAndRejoinsIsNoLongerCordoned() {
        WorkerRegistry r = roundRobin("w1", "w2");
        r.cordon(W1);
        r.upsert(Sim.worker("w1", 1, Map.of("role", "worker", "zone", "eu")), 100 * MS); // same incarnation
        assertThat(r.isCordoned(W1)).as("a tag update keeps the cordon").isTrue();
        assertThat(chosen(r, 10)).containsExactly("w2");

        r.markLeft(W1, 200 * MS);
        assertThat(r.isCordoned(W1)).isTrue();
        r.upsert(Sim.worker("w1", 2), 300 * MS);
        assertThat(r.isCordoned(W1)).isFalse();
        assertThat(r.cordoned()).isEmpty();
        assertThat(chosen(r, 10)).containsExactlyInAnyOrder("w1", "w2");
    }

    @Test
    void cordonRebuildsTheCandidateSetOnceAndSelectionStaysPrepared() {
        AtomicInteger prepared = new AtomicInteger();
        LoadBalancer first = new LoadBalancer() {
            @Override
            public String name() {
                return "FIRST";
            }

            @Override
            public Selector prepare(Candidates candidates) {
                prepared.incrementAndGet();
                return () -> 0;
            }
        };
        WorkerRegistry r = new WorkerRegistry(RegistryConfig.builder().balancer(first).build());
        r.upsert(Sim.worker("w1", 1), 0);
        r.upsert(Sim.worker("w2", 1), 0);
        assertThat(r.require(WORKERS).id()).isEqualTo(W1);
        assertThat(prepared).hasValue(1);

        r.cordon(W1);
        for (int i = 0; i < 100; i++) {
            assertThat(r.require(WORKERS).id()).isEqualTo(W2);
        }
        assertThat(prepared).as("prepared once for the new candidate set").hasValue(2);
        r.cordon(W1); // no change: the prepared selection stays valid
        r.heartbeat(W1, 1, MemberLoad.of(1, 1), 100 * MS);
        assertThat(r.require(WORKERS).id()).isEqualTo(W2);
        assertThat(prepared).hasValue(2);

        r.uncordon(W1);
        assertThat(r.require(WORKERS).id()).isEqualTo(W1);
        assertThat(prepared).hasValue(3);
    }
}
