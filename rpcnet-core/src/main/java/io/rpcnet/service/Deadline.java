package io.rpcnet.service;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A point in time by which a call must finish, on the monotonic clock. Travels on the wire as the time
 * remaining, so clocks of the two hosts never need to agree.
 */
public final class Deadline {

    private static final ScheduledExecutorService TIMER = createTimer();

    private final long nanoTime;

    private Deadline(long nanoTime) {
        this.nanoTime = nanoTime;
    }

    public static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    public static Deadline afterMicros(long micros) {
        return new Deadline(System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros));
    }

    public long remainingNanos() {
        return nanoTime - System.nanoTime();
    }

    /** Remaining time in microseconds for the wire, at least 1 so that 0 keeps meaning "no deadline". */
    public long remainingMicrosForWire() {
        return Math.max(1, TimeUnit.NANOSECONDS.toMicros(remainingNanos()));
    }

    public boolean isExpired() {
        return remainingNanos() <= 0;
    }

    /** Runs {@code action} when the deadline passes, on a shared timer thread (keep it short). */
    public ScheduledFuture<?> schedule(Runnable action) {
        return TIMER.schedule(action, Math.max(0, remainingNanos()), TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return "Deadline[" + TimeUnit.NANOSECONDS.toMillis(remainingNanos()) + " ms from now]";
    }

    private static ScheduledExecutorService createTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "rpcnet-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
