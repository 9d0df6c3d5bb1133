package io.rpcnet.benchmarks.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Steady load on sessions through the director: {@code threads} client threads, each owning every
 * {@code threads}-th session and calling {@link LiveCluster.Counter#increment()} on its sessions in turn, paced
 * to {@code callsPerSecond} in total (0 = as fast as the calls return). Each session has one caller, so every
 * answer must continue its counter exactly; an exception or an out-of-sequence answer is a failed call (after
 * an exception the next answer re-synchronises). Latencies go to a {@link Recorder}; {@link #window()} reads
 * and resets it.
 */
public final class SessionLoad implements AutoCloseable {

    private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Recorder recorder = new Recorder(MAX_LATENCY_NANOS, 3);
    private final LongAdder calls = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Long> counters;
    private volatile boolean running = true;

    /**
     * @param counters each session's last known counter (missing = 0, a fresh session), updated when the load
     *                 stops, so a later load on the same sessions checks them exactly too; must be concurrent
     */
    public SessionLoad(LiveCluster cluster, List<String> sessions, int threadCount, int callsPerSecond,
                       Map<String, Long> counters) {
        this.counters = counters;
        int n = Math.min(threadCount, sessions.size());
        long periodNanos = callsPerSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) * n / callsPerSecond;
        for (int t = 0; t < n; t++) {
            List<String> mine = new ArrayList<>();
            for (int i = t; i < sessions.size(); i += n) {
                mine.add(sessions.get(i));
            }
            Thread thread = new Thread(() -> loop(cluster, mine, periodNanos), "session-load-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    private void loop(LiveCluster cluster, List<String> sessions, long periodNanos) {
        int k = sessions.size();
        LiveCluster.Counter[] counter = new LiveCluster.Counter[k];
        long[] expected = new long[k];
        boolean[] unsure = new boolean[k];
        for (int i = 0; i < k; i++) {
            counter[i] = cluster.counter(sessions.get(i));
            expected[i] = counters.getOrDefault(sessions.get(i), 0L) + 1;
        }
        long next = System.nanoTime();
        for (int i = 0; running; i = (i + 1) % k) {
            if (periodNanos > 0) {
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (wait < -100 * periodNanos) {
                    next = System.nanoTime(); // far behind (a stall): do not burst to catch up
                }
            }
            long t0 = System.nanoTime();
            try {
                long got = counter[i].increment();
                recorder.recordValue(Math.min(System.nanoTime() - t0, MAX_LATENCY_NANOS));
                calls.increment();
                if (got != expected[i] && !unsure[i]) {
                    fail(sessions.get(i) + ": expected " + expected[i] + " got " + got);
                }
                unsure[i] = false;
                expected[i] = got + 1;
            } catch (RuntimeException e) {
                calls.increment();
                unsure[i] = true;
                fail(sessions.get(i) + ": " + e);
            }
        }
        for (int i = 0; i < k; i++) {
            counters.put(sessions.get(i), expected[i] - 1);
        }
    }

    private void fail(String what) {
        failed.increment();
        firstFailure.compareAndSet(null, what);
    }

    /** Latencies (ns) of the calls since the previous window (or the start); starts the next window. */
    public Histogram window() {
        return recorder.getIntervalHistogram();
    }

    public long calls() {
        return calls.sum();
    }

    public long failed() {
        return failed.sum();
    }

    /** The first failure, or null. */
    public String firstFailure() {
        return firstFailure.get();
    }

    /** Stops the callers (waits for their last call) and records the counters. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
