package io.rpcnet.cluster;

/**
 * Where a member stands as seen by the director's failure detector. Only {@link #ALIVE} members are
 * offered to load balancing; {@link #SUSPECT} is a warning state that a heartbeat clears.
 */
public enum MemberStatus {
    /** Heartbeats arrive on time; the member receives new work. */
    ALIVE,
    /** Heartbeats are late (phi above the suspect threshold); no new work, existing work continues. */
    SUSPECT,
    /** Declared dead (phi above the failure threshold); only a higher incarnation brings it back. */
    FAILED,
    /** Left gracefully; only a higher incarnation brings it back (as a new join). */
    LEFT;

    /** Whether the failure detector still watches this member (ALIVE or SUSPECT). */
    public boolean isMonitored() {
        return this == ALIVE || this == SUSPECT;
    }
}
