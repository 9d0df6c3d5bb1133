package io.rpcnet.cluster.registry;

/**
 * What the registry did with a join, heartbeat or leave, so the membership transport knows what to answer
 * the worker.
 */
public enum UpdateResult {
    /** New member (or back after LEFT with a higher incarnation). */
    JOINED,
    /** Heartbeat or update of a known member accepted. */
    UPDATED,
    /** Accepted, and the member went from SUSPECT or FAILED back to ALIVE. */
    RECOVERED,
    /** Older incarnation than the registry knows: ignored (a delayed message from a previous process). */
    STALE,
    /** Heartbeat from a member the registry does not know at that incarnation: the worker should send a full join. */
    UNKNOWN_MEMBER,
    /** The member is FAILED or LEFT at this incarnation: the worker must rejoin with a higher incarnation. */
    REJOIN_REQUIRED;

    /** Whether the registry took the message into account. */
    public boolean accepted() {
        return this == JOINED || this == UPDATED || this == RECOVERED;
    }
}
