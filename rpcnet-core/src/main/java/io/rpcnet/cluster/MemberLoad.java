package io.rpcnet.cluster;

/**
 * The load a worker reports in each heartbeat. Least-connections balancing ranks workers by
 * {@link #total()}, corrected by the director's own live counters.
 *
 * @param activeSessions sessions the worker currently owns, never negative
 * @param inFlightCalls  calls the worker is executing, never negative
 */
public record MemberLoad(int activeSessions, int inFlightCalls) {

    /** No load; what a member has before its first report. */
    public static final MemberLoad ZERO = new MemberLoad(0, 0);

    public MemberLoad {
        if (activeSessions < 0 || inFlightCalls < 0) {
            throw new IllegalArgumentException("load must not be negative: sessions=" + activeSessions
                    + ", inFlight=" + inFlightCalls);
        }
    }

    public static MemberLoad of(int activeSessions, int inFlightCalls) {
        return activeSessions == 0 && inFlightCalls == 0 ? ZERO : new MemberLoad(activeSessions, inFlightCalls);
    }

    /** Sessions plus in-flight calls: the unit least-connections compares. */
    public long total() {
        return (long) activeSessions + inFlightCalls;
    }
}
