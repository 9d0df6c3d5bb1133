package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.detection.PhiAccrualConfig;
import io.rpcnet.cluster.detection.PhiAccrualFailureDetector;

/**
 * The registry's mutable record of one member. Written only under the registry lock; the selection path
 * reads {@link #member} and the load fields without locking, hence volatile.
 */
final class MemberEntry {

    final MemberId id;
    final PhiAccrualFailureDetector detector;
    final LoadTracker tracker;
    /** Current immutable snapshot. */
    volatile Member member;
    /** Load total from the last heartbeat. */
    private volatile long reportedLoad;
    /** {@link LoadTracker#localLoad()} when that heartbeat arrived. */
    private volatile long localAtReport;
    /** When the current status was entered (for reaping FAILED/LEFT members). */
    long statusSinceNanos;
    /** Kept out of selection (a drain); cleared when the member comes back with a higher incarnation. */
    volatile boolean cordoned;

    MemberEntry(MemberId id, PhiAccrualConfig detectorConfig) {
        this.id = id;
        this.detector = new PhiAccrualFailureDetector(detectorConfig);
        this.tracker = new LoadTracker(id);
    }

    /**
     * Reported load corrected by what this director started or finished since the report; at least the
     * director's own live count.
     */
    long effectiveLoad() {
        long local = tracker.localLoad();
        return Math.max(local, reportedLoad + local - localAtReport);
    }

    void recordLoad(MemberLoad load) {
        localAtReport = tracker.localLoad();
        reportedLoad = load.total();
    }

    MemberStatus status() {
        return member.status();
    }

    /** Replaces the snapshot with the same data but another status and phi. */
    Member setStatus(MemberStatus status, double phi, long nowNanos) {
        Member m = member;
        if (m.status() != status) {
            statusSinceNanos = nowNanos;
        }
        member = new Member(m.id(), m.address(), m.tags(), m.incarnation(), m.weight(), m.load(), status,
                m.lastHeartbeatNanos(), phi);
        return member;
    }
}
