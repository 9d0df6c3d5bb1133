package io.rpcnet.migration.crypto;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One active key plus the previous ones, so keys can rotate while migrations are in flight: new messages
 * always use the {@linkplain #active() active} key; a retired key is still {@linkplain #require accepted}
 * until its grace period after retirement has passed, then refused. Time comes from the injected
 * {@link Clock}. Thread-safe: lookups read an immutable view, rotations replace it.
 */
public final class KeyRing {

    /** Grace period used when none is configured. */
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(10);

    private record Retired(MigrationKey key, Instant retiredAt) {
    }

    private record View(MigrationKey active, Map<String, Retired> retired) {
    }

    private final Duration gracePeriod;
    private final Clock clock;
    private volatile View view;

    private KeyRing(MigrationKey active, Map<String, Retired> retired, Duration gracePeriod, Clock clock) {
        this.gracePeriod = gracePeriod;
        this.clock = clock;
        this.view = new View(active, Collections.unmodifiableMap(retired));
    }

    /** A ring holding only {@code active}, with the default grace period and the system clock. */
    public static KeyRing of(MigrationKey active) {
        return builder().active(active).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The key new messages use. */
    public MigrationKey active() {
        return view.active;
    }

    public Duration gracePeriod() {
        return gracePeriod;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Makes {@code next} the active key; the current one is retired now and accepted for the grace period.
     *
     * @throws IllegalArgumentException if a key with that id is already in the ring
     */
    public synchronized void rotate(MigrationKey next) {
        Objects.requireNonNull(next, "next");
        View v = view;
        if (v.active.id().equals(next.id()) || v.retired.containsKey(next.id())) {
            throw new IllegalArgumentException("key id '" + next.id() + "' is already in the key ring");
        }
        Instant now = clock.instant();
        Map<String, Retired> retired = new LinkedHashMap<>();
        v.retired.forEach((id, r) -> {
            if (accepts(r, now)) {
                retired.put(id, r);
            }
        });
        retired.put(v.active.id(), new Retired(v.active, now));
        view = new View(next, Collections.unmodifiableMap(retired));
    }

    /** Forgets retired keys whose grace period has passed; returns how many. */
    public synchronized int prune() {
        View v = view;
        Instant now = clock.instant();
        Map<String, Retired> kept = new LinkedHashMap<>();
        v.retired.forEach((id, r) -> {
            if (accepts(r, now)) {
                kept.put(id, r);
            }
        });
        int dropped = v.retired.size() - kept.size();
        if (dropped > 0) {
            view = new View(v.active, Collections.unmodifiableMap(kept));
        }
        return dropped;
    }

    /** Ids of the keys accepted right now: the active one and retired ones within their grace period. */
    public Set<String> acceptedKeyIds() {
        View v = view;
        Instant now = clock.instant();
        Set<String> ids = new TreeSet<>();
        ids.add(v.active.id());
        v.retired.forEach((id, r) -> {
            if (accepts(r, now)) {
                ids.add(id);
            }
        });
        return ids;
    }

    /**
     * The key with {@code keyId} if it is accepted now.
     *
     * @param error the error to raise otherwise ({@code STATE_CORRUPTION} for state, {@code INVALID_TOKEN}
     *              for tokens)
     * @throws MigrationException with {@code error}, saying whether the key is unknown or past its grace
     */
    public MigrationKey require(String keyId, MigrationError error) {
        View v = view;
        if (v.active.id().equals(keyId)) {
            return v.active;
        }
        Retired r = v.retired.get(keyId);
        if (r == null) {
            throw new MigrationException(error, "unknown key id '" + keyId + "'");
        }
        Instant now = clock.instant();
        if (!accepts(r, now)) {
            throw new MigrationException(error, "key '" + keyId + "' was retired at " + r.retiredAt
                    + " and its grace period of " + gracePeriod + " ended at " + r.retiredAt.plus(gracePeriod));
        }
        return r.key;
    }

    private boolean accepts(Retired r, Instant now) {
        return now.isBefore(r.retiredAt.plus(gracePeriod));
    }

    /** Ids only. */
    @Override
    public String toString() {
        View v = view;
        return "KeyRing[active=" + v.active.id() + ", retired=" + v.retired.keySet() + ", grace=" + gracePeriod + "]";
    }

    /** Builds a {@link KeyRing}; previous keys come with the instant they were retired. */
    public static final class Builder {
        private MigrationKey active;
        private final Map<String, Retired> retired = new LinkedHashMap<>();
        private Duration gracePeriod = DEFAULT_GRACE_PERIOD;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder active(MigrationKey key) {
            this.active = Objects.requireNonNull(key, "active");
            return this;
        }

        /** A previous key, accepted until {@code retiredAt + gracePeriod}. */
        public Builder previous(MigrationKey key, Instant retiredAt) {
            Objects.requireNonNull(key, "key");
            if (retired.put(key.id(), new Retired(key, Objects.requireNonNull(retiredAt, "retiredAt"))) != null) {
                throw new IllegalArgumentException("key id '" + key.id() + "' given twice");
            }
            return this;
        }

        public Builder gracePeriod(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("grace period must be >= 0, got " + d);
            }
            this.gracePeriod = d;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public KeyRing build() {
            if (active == null) {
                throw new IllegalStateException("an active key is required");
            }
            if (retired.containsKey(active.id())) {
                throw new IllegalArgumentException("key id '" + active.id() + "' is both active and previous");
            }
            return new KeyRing(active, new LinkedHashMap<>(retired), gracePeriod, clock);
        }
    }
}
