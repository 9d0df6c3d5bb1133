package io.rpcnet.cluster;

import java.util.List;
import java.util.Optional;

/**
 * Read side of cluster membership: who is there, in what state, and a stream of changes. Implemented by
 * the director's {@code WorkerRegistry} and by every {@link ClusterMembership} engine, so Actuator, health
 * and metrics code reads any of them the same way.
 */
public interface ClusterView {

    /** Snapshots of all known members in every status (FAILED/LEFT until they are reaped), ordered by id. */
    List<Member> members();

    /** The member's current snapshot, if known. */
    Optional<Member> member(MemberId id);

    /**
     * Whether a suspected network partition is in progress; while it is, callers should not fail sessions
     * of FAILED members over.
     */
    boolean isPartitioned();

    /** Registers a listener for changes from now on. */
    Subscription subscribe(ClusterEventListener listener);
}
