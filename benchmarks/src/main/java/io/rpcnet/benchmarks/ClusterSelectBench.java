package io.rpcnet.benchmarks;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.balance.LoadBalancingStrategy;
import io.rpcnet.cluster.registry.LoadTracker;
import io.rpcnet.cluster.registry.RegistryConfig;
import io.rpcnet.cluster.registry.WorkerRegistry;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code WorkerRegistry.select} cost for one strategy, run in its own JVM (one per strategy, started by
 * {@link ClusterSuite}) so the selector call site stays as monomorphic as on a real director that uses one
 * strategy. 20 workers, of which 16 match the filter {@code role=worker,zone=eu}; reported loads 1..50 so
 * least-connections scans every candidate. Warm-up, then timed iterations; the median is reported.
 *
 * <p>Prints one line: {@code RESULT cluster-select-<strategy> ns_per_op=… ns_per_op_2threads=…
 * ns_per_op_with_lease=… alloc_bytes_per_op=…}.
 */
final class ClusterSelectBench {

    static final TagFilter FILTER = TagFilter.parse("role=worker,zone=eu");
    private static final int BATCH = 4096;

    /** Keeps results observable so the JIT cannot drop the work. */
    static volatile long sink;

    private ClusterSelectBench() {
    }

    /** Fork entry point: {@code <STRATEGY> <quick:true|false>}. */
    public static void main(String[] args) throws Exception {
        LoadBalancingStrategy strategy = LoadBalancingStrategy.valueOf(args[0]);
        boolean quick = Boolean.parseBoolean(args[1]);
        long warmupMs = quick ? 1_500 : 4_000;
        int iterations = quick ? 5 : 10;
        long iterationMs = quick ? 250 : 1_000;

        WorkerRegistry registry = registry(strategy);
        if (registry.alive(FILTER).size() != 16) {
            throw new IllegalStateException("expected 16 candidates");
        }
        runFor(registry, warmupMs, false);
        runFor(registry, warmupMs / 3, true);

        double[] single = new double[iterations];
        double[] lease = new double[iterations];
        double[] dual = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            single[i] = runFor(registry, iterationMs, false);
            lease[i] = runFor(registry, iterationMs, true);
            dual[i] = runThreads(registry, iterationMs, 2);
        }
        double alloc = allocatedBytesPerOp(registry);
        System.out.printf(Locale.ROOT, "RESULT cluster-select-%s ns_per_op=%.1f ns_per_op_2threads=%.1f"
                        + " ns_per_op_with_lease=%.1f alloc_bytes_per_op=%.1f%n",
                name(strategy), median(single), median(dual), median(lease), alloc);
        System.out.printf(Locale.ROOT, "# cluster-select-%s single-thread iterations (ns/op): %s%n", name(strategy),
                Arrays.toString(Arrays.stream(single).map(v -> Math.round(v * 10) / 10.0).toArray()));
        System.out.flush();
    }

    static String name(LoadBalancingStrategy strategy) {
        return strategy.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static WorkerRegistry registry(LoadBalancingStrategy strategy) {
        WorkerRegistry registry = new WorkerRegistry(RegistryConfig.builder().strategy(strategy).build());
        Random random = new Random(11);
        long now = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            String zone = i < 16 ? "eu" : "us";
            registry.upsert(MemberUpdate.builder(String.format("worker-%02d", i), "10.0.0." + (i + 1) + ":7000")
                    .tags(Map.of("role", "worker", "zone", zone, "label", "bench"))
                    .incarnation(1)
                    .load(MemberLoad.of(1 + random.nextInt(20), random.nextInt(30)))
                    .build(), now);
        }
        registry.upsert(MemberUpdate.builder("director-0", "10.0.1.1:7000").tags(Map.of("role", "director")).build(), now);
        return registry;
    }

    /** Selects (optionally acquiring and releasing a call lease) for about {@code millis}; returns ns/op. */
    static double runFor(WorkerRegistry registry, long millis, boolean withLease) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        long ops = 0;
        long acc = 0;
        long start = System.nanoTime();
        long now;
        do {
            acc += withLease ? batchWithLease(registry) : batch(registry);
            ops += BATCH;
            now = System.nanoTime();
        } while (now < deadline);
        sink += acc;
        return (now - start) / (double) ops;
    }

    private static long batch(WorkerRegistry registry) {
        long acc = 0;
        for (int i = 0; i < BATCH; i++) {
            Member m = registry.require(FILTER);
            acc += m.weight();
        }
        return acc;
    }

    private static long batchWithLease(WorkerRegistry registry) {
        long acc = 0;
        for (int i = 0; i < BATCH; i++) {
            Member m = registry.require(FILTER);
            LoadTracker.Lease lease = registry.loadTracker(m.id()).acquireCall();
            acc += m.weight();
            lease.release();
        }
        return acc;
    }

    /** {@code threads} threads selecting at once; returns each thread's ns/op (wall time / ops per thread). */
    static double runThreads(WorkerRegistry registry, long millis, int threads) throws InterruptedException {
        AtomicLong totalOps = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        long[] elapsed = new long[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            ts[t] = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long start = System.nanoTime();
                long deadline = start + millis * 1_000_000L;
                long ops = 0;
                long acc = 0;
                long now;
                do {
                    acc += batch(registry);
                    ops += BATCH;
                    now = System.nanoTime();
                } while (now < deadline);
                elapsed[index] = now - start;
                totalOps.addAndGet(ops);
                sink += acc;
            }, "select-" + t);
            ts[t].start();
        }
        ready.await();
        go.countDown();
        long maxElapsed = 0;
        for (int t = 0; t < threads; t++) {
            ts[t].join();
            maxElapsed = Math.max(maxElapsed, elapsed[t]);
        }
        return maxElapsed / (totalOps.get() / (double) threads);
    }

    /** Heap bytes allocated per selection by this thread (HotSpot's per-thread allocation counter). */
    static double allocatedBytesPerOp(WorkerRegistry registry) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean hotspot) || !hotspot.isThreadAllocatedMemorySupported()) {
            return Double.NaN;
        }
        long id = Thread.currentThread().getId();
        int ops = 1 << 20;
        long acc = 0;
        long before = hotspot.getThreadAllocatedBytes(id);
        for (int i = 0; i < ops; i += BATCH) {
            acc += batch(registry);
        }
        long after = hotspot.getThreadAllocatedBytes(id);
        sink += acc;
        return (after - before) / (double) ops;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
