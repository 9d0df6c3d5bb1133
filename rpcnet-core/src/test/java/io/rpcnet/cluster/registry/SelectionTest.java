package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.NoWorkerAvailableException;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.balance.Candidates;
import io.rpcnet.cluster.balance.LeastConnectionsBalancer;
import io.rpcnet.cluster.balance.LoadBalancer;
import io.rpcnet.cluster.balance.LoadBalancingStrategy;
import io.rpcnet.cluster.balance.PowerOfTwoChoicesBalancer;
import io.rpcnet.cluster.balance.RandomBalancer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.rpcnet.cluster.registry.Sim.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Strategy distributions, weights, filters and the balancer SPI. */
class SelectionTest {

    private static final TagFilter WORKERS = TagFilter.parse("role=worker");

    private static WorkerRegistry registry(LoadBalancer balancer, MemberUpdate... members) {
        WorkerRegistry r = new WorkerRegistry(RegistryConfig.builder().balancer(balancer).build());
        for (MemberUpdate m : members) {
            r.upsert(m, 0);
        }
        return r;
    }

    private static MemberUpdate w(String id, int weight, int sessions, int calls) {
        return Sim.worker(id, 1).toBuilder().weight(weight).load(MemberLoad.of(sessions, calls)).build();
    }

    private static MemberUpdate w(String id) {
        return w(id, 1, 0, 0);
    }

    /** Selection counts by member id, in id order. */
    private static Map<String, Integer> counts(WorkerRegistry r, TagFilter filter, int n, boolean acquire) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            Member m = r.require(filter);
            counts.merge(m.id().value(), 1, Integer::sum);
            if (acquire) {
                r.loadTracker(m.id()).acquireCall(); // held: the load builds up
            }
        }
        return counts;
    }

    @Test
    void roundRobinIsExactAndInStableIdOrder() {
        WorkerRegistry r = registry(LoadBalancingStrategy.ROUND_ROBIN.newBalancer(), w("w3"), w("w1"), w("w2"));

        List<String> order = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            order.add(r.require(WORKERS).id().value());
        }

        assertThat(order.stream().distinct().count()).isEqualTo(3);
        assertThat(order.stream().filter("w1"::equals).count()).isEqualTo(100);
        assertThat(order.stream().filter("w2"::equals).count()).isEqualTo(100);
        assertThat(order.stream().filter("w3"::equals).count()).isEqualTo(100);
        int start = List.of("w1", "w2", "w3").indexOf(order.get(0));
        for (int i = 0; i < order.size(); i++) {
            assertThat(order.get(i)).isEqualTo("w" + ((start + i) % 3 + 1));
        }
    }

    @Test
    void randomSpreadsEvenly() {
        WorkerRegistry seeded = registry(new RandomBalancer(new Random(7)), w("w1"), w("w2"), w("w3"));
        assertThat(counts(seeded, WORKERS, 300, false).values()).allSatisfy(c -> assertThat(c).isGreaterThanOrEqualTo(60));

        // unseeded, large sample: 3000 draws, each expected 1000 (sd 26), bound 7 sd away
        WorkerRegistry tlr = registry(new RandomBalancer(), w("w1"), w("w2"), w("w3"));
        assertThat(counts(tlr, WORKERS, 3000, false).values()).allSatisfy(c -> assertThat(c).isBetween(800, 1200));
    }

    @Test
    void leastConnectionsPicksTheIdleWorker() {
        WorkerRegistry r = registry(new LeastConnectionsBalancer(), w("w1", 1, 4, 6), w("w2", 1, 5, 0), w("w3"));

        assertThat(counts(r, WORKERS, 100, false)).containsExactly(Map.entry("w3", 100));

        // the director's own live load counts at once: six sessions make w3 (6) heavier than w2 (5)
        List<LoadTracker.Lease> leases = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            leases.add(r.loadTracker(MemberId.of("w3")).acquireSession());
        }
        assertThat(r.require(WORKERS).id().value()).isEqualTo("w2"); // w3 now 6 > w2 5
        leases.forEach(LoadTracker.Lease::release);
        assertThat(r.require(WORKERS).id().value()).isEqualTo("w3");
    }

    @Test
    void leastConnectionsWithLiveCountersBalancesExactly() {
        WorkerRegistry r = registry(new LeastConnectionsBalancer(), w("w1"), w("w2"), w("w3"));

        assertThat(counts(r, WORKERS, 300, true)).containsExactly(Map.entry("w1", 100), Map.entry("w2", 100),
                Map.entry("w3", 100));
    }

    @Test
    void effectiveLoadCombinesHeartbeatAndLiveCountersWithoutDoubleCounting() {
        WorkerRegistry r = registry(new LeastConnectionsBalancer(), w("w1", 1, 4, 6));
        MemberId id = MemberId.of("w1");
        LoadTracker t = r.loadTracker(id);
        assertThat(r.effectiveLoad(id)).isEqualTo(10);

        LoadTracker.Lease a = t.acquireCall();
        LoadTracker.Lease b = t.acquireSession();
        assertThat(r.effectiveLoad(id)).isEqualTo(12);

        r.heartbeat(id, 1, MemberLoad.of(5, 7), 500 * MS); // the worker now reports our two as well
        assertThat(r.effectiveLoad(id)).isEqualTo(12);

        a.close();
        b.release();
        assertThat(b.release()).isFalse();
        assertThat(r.effectiveLoad(id)).isEqualTo(10);
        r.heartbeat(id, 1, MemberLoad.ZERO, 1000 * MS);
        assertThat(r.effectiveLoad(id)).isZero();
        assertThat(t.localLoad()).isZero();
        assertThat(r.effectiveLoad(MemberId.of("nobody"))).isEqualTo(-1);
    }

    @Test
    void powerOfTwoChoicesNeverPicksTheMostLoadedWhenTheOthersAreIdle() {
        WorkerRegistry r = registry(new PowerOfTwoChoicesBalancer(new Random(3)), w("w1"), w("w2"), w("w3", 1, 3, 7));

        Map<String, Integer> counts = counts(r, WORKERS, 1000, false);

        assertThat(counts).doesNotContainKey("w3");
        assertThat(counts.get("w1")).isBetween(400, 600);
    }

    @Test
    void weightedRoundRobinIsExactAndSmooth() {
        WorkerRegistry r = registry(LoadBalancingStrategy.ROUND_ROBIN.newBalancer(), w("a", 2, 0, 0), w("b", 1, 0, 0),
                w("c", 1, 0, 0));

        assertThat(counts(r, WORKERS, 400, false)).containsExactly(Map.entry("a", 200), Map.entry("b", 100),
                Map.entry("c", 100));
        String previous = "";
        for (int i = 0; i < 40; i++) {
            String id = r.require(WORKERS).id().value();
            assertThat(id.equals("b") || id.equals("c") ? !id.equals(previous) : true).isTrue();
            previous = id;
        }
    }

    @ParameterizedTest
    @EnumSource(LoadBalancingStrategy.class)
    void weightTwoGetsAboutTwiceTheWork(LoadBalancingStrategy strategy) {
        WorkerRegistry r = registry(strategy.newBalancer(), w("heavy", 2, 0, 0), w("light", 1, 0, 0));

        // load-aware strategies see the load they place (held leases); the others ignore it. 30,000 draws keep
        // RANDOM's bound more than 8 standard deviations away.
        Map<String, Integer> counts = counts(r, WORKERS, 30_000, true);

        double ratio = counts.get("heavy") / (double) counts.get("light");
        assertThat(ratio).as(strategy + " " + counts).isBetween(1.8, 2.2);
    }

    @Test
    void filtersSelectOnlyMatchingWorkersAndNoMatchIsAClearError() {
        WorkerRegistry r = registry(LoadBalancingStrategy.ROUND_ROBIN.newBalancer(),
                Sim.worker("eu1", 1, Map.of("role", "worker", "zone", "eu")),
                Sim.worker("eu2", 1, Map.of("role", "worker", "zone", "eu")),
                Sim.worker("us1", 1, Map.of("role", "worker", "zone", "us")),
                Sim.worker("d1", 1, Map.of("role", "director", "zone", "eu")));
        TagFilter eu = TagFilter.parse("role=worker,zone=eu");

        assertThat(counts(r, eu, 10, false)).containsExactly(Map.entry("eu1", 5), Map.entry("eu2", 5));
        assertThat(r.alive(eu)).extracting(m -> m.id().value()).containsExactly("eu1", "eu2");
        assertThat(r.select(TagFilter.ANY)).isPresent();

        TagFilter apac = TagFilter.parse("role=worker,zone=apac");
        assertThat(r.select(apac)).isEmpty();
        assertThatThrownBy(() -> r.require(apac)).isInstanceOf(NoWorkerAvailableException.class)
                .hasMessageContaining("no ALIVE worker matches role=worker,zone=apac");

        r.markLeft(MemberId.of("eu1"), 0);
        r.markLeft(MemberId.of("eu2"), 0);
        assertThatThrownBy(() -> r.require(eu)).isInstanceOf(NoWorkerAvailableException.class)
                .hasMessageContaining("no ALIVE worker matches role=worker,zone=eu");
        r.upsert(Sim.worker("eu3", 1, Map.of("role", "worker", "zone", "eu")), 0);
        assertThat(r.require(eu).id().value()).isEqualTo("eu3");
    }

    @Test
    void customBalancersPlugInAndArePreparedOncePerCandidateSet() {
        AtomicInteger prepared = new AtomicInteger();
        LoadBalancer last = new LoadBalancer() {
            @Override
            public String name() {
                return "LAST";
            }

            @Override
            public Selector prepare(Candidates candidates) {
                prepared.incrementAndGet();
                int n = candidates.size();
                return () -> n - 1;
            }
        };
        WorkerRegistry r = registry(last, w("w1"), w("w2"));

        for (int i = 0; i < 100; i++) {
            assertThat(r.require(WORKERS).id().value()).isEqualTo("w2");
        }
        r.heartbeat(MemberId.of("w1"), 1, MemberLoad.of(1, 1), 100 * MS); // load only: same candidate set
        assertThat(r.require(WORKERS).id().value()).isEqualTo("w2");
        assertThat(prepared).hasValue(1);

        r.upsert(w("w3"), 200 * MS);
        assertThat(r.require(WORKERS).id().value()).isEqualTo("w3");
        assertThat(prepared).hasValue(2);
        assertThat(r.strategyName()).isEqualTo("LAST");
    }
}
