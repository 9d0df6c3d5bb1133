package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.balance.LoadBalancingStrategy;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.rpcnet.cluster.registry.Sim.MS;
import static org.assertj.core.api.Assertions.assertThat;

/** Many threads selecting, acquiring and releasing while membership churns: counters end at zero. */
class ConcurrencyTest {

    private static final int THREADS = 8;
    private static final int OPS_PER_THREAD = 20_000;

    @ParameterizedTest
    @EnumSource(LoadBalancingStrategy.class)
    @Timeout(60)
    void countersBalanceUnderContentionAndChurn(LoadBalancingStrategy strategy) throws Exception {
        WorkerRegistry r = new WorkerRegistry(RegistryConfig.builder().strategy(strategy).build());
        for (int i = 0; i < 6; i++) {
            r.upsert(Sim.worker("w" + i, 1).toBuilder().weight(1 + i % 3).build(), 0);
        }
        List<MemberId> ids = r.members().stream().map(Member::id).toList();
        TagFilter filter = TagFilter.parse("role=worker");
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    List<LoadTracker.Lease> held = new ArrayList<>();
                    int selected = 0;
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < OPS_PER_THREAD; i++) {
                        Member m = r.select(filter).orElse(null);
                        if (m != null) {
                            selected++;
                            LoadTracker tracker = r.loadTracker(m.id());
                            held.add(rnd.nextBoolean() ? tracker.acquireCall() : tracker.acquireSession());
                        }
                        if (held.size() > 16 || (!held.isEmpty() && rnd.nextInt(3) == 0)) {
                            LoadTracker.Lease lease = held.remove(rnd.nextInt(held.size()));
                            lease.release();
                            lease.release(); // double release must not count twice
                        }
                    }
                    held.forEach(LoadTracker.Lease::close);
                    return selected;
                }));
            }
            Future<?> churn = pool.submit(() -> {
                start.await();
                long now = 0;
                while (!stop.get()) {
                    now += 10 * MS;
                    for (int i = 0; i < ids.size(); i++) {
                        if (i == 5 && (now / (200 * MS)) % 2 == 0) {
                            r.upsert(Sim.worker("w5", 1, java.util.Map.of("role", "other")).toBuilder().weight(3).build(), now);
                        } else if (i == 5) {
                            r.upsert(Sim.worker("w5", 1).toBuilder().weight(3).build(), now);
                        } else {
                            r.heartbeat(ids.get(i), 1, MemberLoad.of(i, i), now);
                        }
                    }
                    r.evaluate(now);
                }
                return null;
            });
            start.countDown();
            int total = 0;
            for (Future<Integer> f : workers) {
                total += f.get();
            }
            stop.set(true);
            churn.get();

            assertThat(total).isEqualTo(THREADS * OPS_PER_THREAD);
            for (MemberId id : ids) {
                LoadTracker t = r.loadTracker(id);
                assertThat(t.inFlightCalls()).as(id + " calls").isZero();
                assertThat(t.activeSessions()).as(id + " sessions").isZero();
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }
}
