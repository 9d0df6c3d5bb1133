package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.MemberId;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The director's own live count of work it placed on one member: calls in flight and sessions open.
 * Heartbeats report load only every few hundred milliseconds; these counters make least-connections react
 * at once to what this director just did. Count through {@link Lease}s, which release exactly once.
 */
public final class LoadTracker {

    private final MemberId member;
    private final AtomicInteger inFlightCalls = new AtomicInteger();
    private final AtomicInteger activeSessions = new AtomicInteger();

    LoadTracker(MemberId member) {
        this.member = member;
    }

    public MemberId member() {
        return member;
    }

    /** Counts one call as in flight until the lease is released. */
    public Lease acquireCall() {
        inFlightCalls.incrementAndGet();
        return new Lease(inFlightCalls, member);
    }

    /** Counts one session as open on this member until the lease is released. */
    public Lease acquireSession() {
        activeSessions.incrementAndGet();
        return new Lease(activeSessions, member);
    }

    public int inFlightCalls() {
        return inFlightCalls.get();
    }

    public int activeSessions() {
        return activeSessions.get();
    }

    /** In-flight calls plus open sessions placed by this director. */
    public long localLoad() {
        return (long) inFlightCalls.get() + activeSessions.get();
    }

    @Override
    public String toString() {
        return "LoadTracker[" + member + ": calls=" + inFlightCalls.get() + ", sessions=" + activeSessions.get() + "]";
    }

    /** One unit of counted load; {@link #release()} (or {@link #close()}) decrements exactly once. */
    public static final class Lease implements AutoCloseable {

        private static final AtomicIntegerFieldUpdater<Lease> RELEASED =
                AtomicIntegerFieldUpdater.newUpdater(Lease.class, "released");

        private final AtomicInteger counter;
        private final MemberId member;
        private volatile int released;

        private Lease(AtomicInteger counter, MemberId member) {
            this.counter = counter;
            this.member = member;
        }

        /** The member this load is counted on. */
        public MemberId member() {
            return member;
        }

        /** Decrements the counter the first time; later calls do nothing. Returns whether this call released. */
        public boolean release() {
            if (RELEASED.compareAndSet(this, 0, 1)) {
                counter.decrementAndGet();
                return true;
            }
            return false;
        }

        public boolean isReleased() {
            return released != 0;
        }

        @Override
        public void close() {
            release();
        }
    }
}
