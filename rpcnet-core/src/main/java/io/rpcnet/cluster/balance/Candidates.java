package io.rpcnet.cluster.balance;

import io.rpcnet.cluster.Member;

/**
 * The members a balancer may pick from: ALIVE, matching the caller's filter, ordered by member id (so
 * every director sees the same order). The set itself is fixed; {@link #load(int)} and
 * {@link #member(int)} read live values on every call.
 */
public interface Candidates {

    /** Number of candidates, at least 1. */
    int size();

    /** Current snapshot of candidate {@code index}. */
    Member member(int index);

    /** Weight of candidate {@code index}, {@link Member#MIN_WEIGHT}..{@link Member#MAX_WEIGHT}. */
    int weight(int index);

    /**
     * Current load of candidate {@code index} (sessions + in-flight calls): the member's last reported load,
     * corrected by what this director started and finished on it since. Never negative.
     */
    long load(int index);

    /** Whether all candidates have the same weight (so weighted strategies can take their cheap path). */
    boolean uniformWeights();
}
