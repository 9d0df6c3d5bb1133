package io.rpcnet.benchmarks;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load: {@code concurrency} workers, each issuing its next call when the previous one
 * completes (from the completion callback, on whatever thread that runs).
 *
 * <p>Two modes: {@link #timed} (warm-up, then a measured window; latency recorded only inside the
 * window) and {@link #counted} (exactly {@code calls} calls, nothing recorded).
 */
final class ClosedLoop {

    /** Highest latency the histograms track: 60 s in nanoseconds. */
    private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Completions nested deeper than this on one thread hop to {@link #RESCUE} (synchronous completion). */
    private static final int MAX_NESTING = 16;
    private static final ThreadLocal<int[]> NESTING = ThreadLocal.withInitial(() -> new int[1]);
    private static final ExecutorService RESCUE = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "closed-loop-rescue");
        t.setDaemon(true);
        return t;
    });

    private static final int WARMUP = 0;
    private static final int MEASURE = 1;
    private static final int STOP = 2;

    /**
     * Outcome of one run. {@code histogram} holds latencies in nanoseconds of the {@code completed} calls
     * of the measured window; {@code allCalls} also counts warm-up calls.
     */
    record Result(Histogram histogram, long completed, double seconds, long errors, long stuck, Throwable firstError,
                  long allCalls) {

        double rps() {
            return seconds > 0 ? completed / seconds : 0;
        }

        double p50Micros() {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(50) / 1000.0;
        }

        double p99Micros() {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(99) / 1000.0;
        }

        Result plus(Result o) {
            Histogram h = histogram.copy();
            h.add(o.histogram);
            return new Result(h, completed + o.completed, seconds + o.seconds, errors + o.errors, stuck + o.stuck,
                    firstError != null ? firstError : o.firstError, allCalls + o.allCalls);
        }

        static Result empty() {
            return new Result(newHistogram(), 0, 0, 0, 0, null, 0);
        }
    }

    private final UnarySystem system;
    private final byte[] payload;
    private final Worker[] workers;
    private final long callLimit;
    private final AtomicLong issued = new AtomicLong();
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private final CountDownLatch finished;
    private volatile int phase = WARMUP;

    private ClosedLoop(UnarySystem system, byte[] payload, int concurrency, long callLimit) {
        this.system = system;
        this.payload = payload;
        this.callLimit = callLimit;
        this.workers = new Worker[concurrency];
        for (int i = 0; i < concurrency; i++) {
            workers[i] = new Worker();
        }
        this.finished = new CountDownLatch(concurrency);
    }

    static Histogram newHistogram() {
        return new Histogram(MAX_LATENCY_NANOS, 3);
    }

    /** Warm up for {@code warmupMillis}, then measure for {@code measureMillis}. */
    static Result timed(UnarySystem system, byte[] payload, int concurrency, long warmupMillis, long measureMillis)
            throws InterruptedException {
        ClosedLoop loop = new ClosedLoop(system, payload, concurrency, Long.MAX_VALUE);
        loop.start();
        Thread.sleep(warmupMillis);
        long t0 = System.nanoTime();
        loop.phase = MEASURE;
        Thread.sleep(measureMillis);
        loop.phase = STOP;
        long t1 = System.nanoTime();
        long stuck = loop.drain();
        Histogram h = newHistogram();
        long completed = 0;
        long all = 0;
        for (Worker w : loop.workers) {
            h.add(w.histogram);
            completed += w.measured;
            all += w.total;
        }
        return new Result(h, completed, (t1 - t0) / 1e9, loop.errors.sum(), stuck, loop.firstError.get(), all);
    }

    /** Issue exactly {@code calls} calls (or fewer if {@code maxMillis} passes first); returns how many completed. */
    static Result counted(UnarySystem system, byte[] payload, int concurrency, long calls, long maxMillis)
            throws InterruptedException {
        ClosedLoop loop = new ClosedLoop(system, payload, concurrency, calls);
        long t0 = System.nanoTime();
        loop.start();
        if (!loop.finished.await(maxMillis, TimeUnit.MILLISECONDS)) {
            loop.phase = STOP;
        }
        long stuck = loop.drain();
        long t1 = System.nanoTime();
        long completed = 0;
        for (Worker w : loop.workers) {
            completed += w.total;
        }
        return new Result(newHistogram(), completed, (t1 - t0) / 1e9, loop.errors.sum(), stuck, loop.firstError.get(),
                completed);
    }

    private void start() {
        for (Worker w : workers) {
            w.issue();
        }
    }

    /** Waits for in-flight calls to finish; returns the number of workers still waiting after 10 s. */
    private long drain() throws InterruptedException {
        finished.await(10, TimeUnit.SECONDS);
        return finished.getCount();
    }

    /** One closed-loop caller: one call in flight at a time, so its fields are only touched serially. */
    private final class Worker implements UnarySystem.Callback {
        final Histogram histogram = newHistogram();
        long measured;
        long total;
        long startNanos;

        void issue() {
            if (phase == STOP || issued.incrementAndGet() > callLimit) {
                finished.countDown();
                return;
            }
            startNanos = System.nanoTime();
            try {
                system.call(payload, this);
            } catch (Throwable t) {
                done(null, t);
            }
        }

        @Override
        public void done(byte[] response, Throwable error) {
            long latency = System.nanoTime() - startNanos;
            if (error == null && (response == null || response.length != payload.length)) {
                error = new IllegalStateException("echo returned "
                        + (response == null ? "null" : response.length + " bytes") + " for " + payload.length);
            }
            if (error != null) {
                errors.increment();
                firstError.compareAndSet(null, error);
                // do not spin on a broken system: retry from another thread after a pause
                RESCUE.execute(() -> {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    issue();
                });
                return;
            }
            total++;
            if (phase == MEASURE) {
                histogram.recordValue(Math.min(latency, MAX_LATENCY_NANOS));
                measured++;
            }
            int[] depth = NESTING.get();
            if (depth[0] >= MAX_NESTING) {
                RESCUE.execute(this::issue);
                return;
            }
            depth[0]++;
            try {
                issue();
            } finally {
                depth[0]--;
            }
        }
    }
}
