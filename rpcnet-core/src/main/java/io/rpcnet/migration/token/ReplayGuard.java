package io.rpcnet.migration.token;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Remembers single-use nonces until they expire, so each is accepted once. Memory is bounded: expired
 * nonces are evicted (earliest expiry first) on every call, and when {@code capacity} unexpired nonces are
 * held, new ones are refused ({@link Outcome#FULL}) rather than old ones forgotten — forgetting would let
 * a captured token be replayed. Time is passed in (epoch milliseconds) so callers control the clock.
 * Thread-safe.
 */
public final class ReplayGuard {

    /** Result of {@link #tryRecord}. */
    public enum Outcome { ACCEPTED, REPLAYED, FULL }

    private record Entry(long expiresAt, String nonce) {
    }

    private final int capacity;
    private final Map<String, Long> expiries = new HashMap<>();
    private final PriorityQueue<Entry> byExpiry =
            new PriorityQueue<>((a, b) -> Long.compare(a.expiresAt, b.expiresAt));

    public ReplayGuard(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Whether {@code nonce} was accepted and has not expired by {@code nowMillis}. */
    public synchronized boolean contains(String nonce, long nowMillis) {
        evictExpired(nowMillis);
        return expiries.containsKey(nonce);
    }

    /** Records {@code nonce} until {@code expiresAtMillis}, unless already there or the guard is full. */
    public synchronized Outcome tryRecord(String nonce, long expiresAtMillis, long nowMillis) {
        evictExpired(nowMillis);
        if (expiries.containsKey(nonce)) {
            return Outcome.REPLAYED;
        }
        if (expiries.size() >= capacity) {
            return Outcome.FULL;
        }
        expiries.put(nonce, expiresAtMillis);
        byExpiry.add(new Entry(expiresAtMillis, nonce));
        return Outcome.ACCEPTED;
    }

    /** Unexpired nonces held (as of the last call). */
    public synchronized int size() {
        return expiries.size();
    }

    public int capacity() {
        return capacity;
    }

    private void evictExpired(long now) {
        for (Entry e = byExpiry.peek(); e != null && e.expiresAt <= now; e = byExpiry.peek()) {
            byExpiry.poll();
            expiries.remove(e.nonce);
        }
    }
}
