package io.rpcnet.session;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions a worker {@linkplain SessionManager#handOver handed over} recently and where they went, so
 * that a call still routed here is answered MOVED for a grace period. Bounded (the oldest entry is dropped
 * first) and time-limited (measured with the manager's {@link Clock}). Lookups, which the server makes for
 * every call of a session, take no lock; changes do.
 */
final class MovedSessions {

    /** One remembered move; compared by identity, so a replaced entry is recognised as stale. */
    private static final class Entry {
        final String id;
        final MovedTo to;
        final long expiresAtMillis;

        Entry(String id, MovedTo to, long expiresAtMillis) {
            this.id = id;
            this.to = to;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    private final Clock clock;
    private final long graceMillis;
    private final int maxEntries;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Every live entry in insertion order, plus stale ones (forgotten or replaced) dropped lazily. Guarded by this. */
    private final ArrayDeque<Entry> order = new ArrayDeque<>();

    MovedSessions(Clock clock, Duration grace, int maxEntries) {
        this.clock = clock;
        this.graceMillis = grace.compareTo(Duration.ofMillis(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : grace.toMillis();
        this.maxEntries = maxEntries;
    }

    /** Remembers that session {@code id} moved to {@code to}, replacing an earlier entry of {@code id}. */
    void remember(String id, MovedTo to) {
        if (maxEntries == 0) {
            return;
        }
        long now = clock.millis();
        Entry e = new Entry(id, to, graceMillis > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + graceMillis);
        synchronized (this) {
            entries.put(id, e);
            order.addLast(e);
            while (entries.size() > maxEntries) {
                Entry oldest = order.pollFirst(); // every live entry is in the deque, so this ends
                entries.remove(oldest.id, oldest);
            }
            if (order.size() > 2L * maxEntries + 16) {
                order.removeIf(this::isStale);
            }
        }
    }

    /** Where session {@code id} moved, if that is still within the grace period. */
    Optional<MovedTo> find(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            return Optional.empty();
        }
        if (clock.millis() >= e.expiresAtMillis) {
            entries.remove(id, e); // its deque slot is now stale and goes with the next sweep or compaction
            return Optional.empty();
        }
        return Optional.of(e.to);
    }

    /** Forgets session {@code id} (it came back). */
    void forget(String id) {
        entries.remove(id);
    }

    /** Drops entries past their grace period and stale deque slots; returns how many entries expired. */
    int sweep() {
        long now = clock.millis();
        int expired = 0;
        synchronized (this) {
            for (Iterator<Entry> it = order.iterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (isStale(e)) {
                    it.remove();
                } else if (now >= e.expiresAtMillis) {
                    entries.remove(e.id, e);
                    it.remove();
                    expired++;
                }
            }
        }
        return expired;
    }

    /** How many moves are remembered now (some may be past their grace and not swept yet). */
    int size() {
        return entries.size();
    }

    private boolean isStale(Entry e) {
        return entries.get(e.id) != e;
    }
}
