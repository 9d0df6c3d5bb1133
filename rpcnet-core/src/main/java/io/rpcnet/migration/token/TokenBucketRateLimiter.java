package io.rpcnet.migration.token;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * A token bucket per key (a source worker): up to {@code burst} requests at once, refilled at
 * {@code permitsPerSecond}. Memory is bounded by {@code maxKeys}: when full, buckets that have refilled
 * completely are dropped (a full bucket is the same as a new one, so nothing is lost); if none has, the
 * new key is refused. Time comes from the {@link Clock}. Thread-safe.
 */
public final class TokenBucketRateLimiter {

    /** Result of {@link #tryAcquire}: whether allowed and, if not, when the next permit is due. */
    public record Decision(boolean allowed, long retryAfterMillis) {
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    private final double permitsPerSecond;
    private final int burst;
    private final int maxKeys;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new HashMap<>();

    public TokenBucketRateLimiter(double permitsPerSecond, int burst, int maxKeys, Clock clock) {
        if (!(permitsPerSecond > 0) || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("permitsPerSecond, burst and maxKeys must be positive");
        }
        this.permitsPerSecond = permitsPerSecond;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Takes one permit for {@code key} if available. */
    public synchronized Decision tryAcquire(String key) {
        long now = nanos(clock.instant());
        Bucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= maxKeys) {
                evictRefilled(now);
                if (buckets.size() >= maxKeys) {
                    return new Decision(false, (long) Math.ceil(1000 / permitsPerSecond));
                }
            }
            b = new Bucket();
            b.tokens = burst;
            b.updatedNanos = now;
            buckets.put(key, b);
        }
        refill(b, now);
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return new Decision(true, 0);
        }
        return new Decision(false, (long) Math.ceil((1 - b.tokens) * 1000 / permitsPerSecond));
    }

    /** Keys with a bucket. */
    public synchronized int trackedKeys() {
        return buckets.size();
    }

    private void refill(Bucket b, long now) {
        long elapsed = now - b.updatedNanos;
        if (elapsed > 0) {
            b.tokens = Math.min(burst, b.tokens + elapsed * permitsPerSecond / 1e9);
            b.updatedNanos = now;
        }
    }

    private void evictRefilled(long now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            refill(b, now);
            if (b.tokens >= burst) {
                it.remove();
            }
        }
    }

    private static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
