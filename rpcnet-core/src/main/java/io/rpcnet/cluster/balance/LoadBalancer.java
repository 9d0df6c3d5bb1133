package io.rpcnet.cluster.balance;

/**
 * SPI of a load-balancing strategy. The registry calls {@link #prepare} whenever the candidate set for a
 * filter changes (a member joins, fails, leaves or changes tags/weight), and then calls the returned
 * {@link Selector} once per selection, from many threads at once.
 *
 * <p>Implementations put lookup tables and cursors in the selector, keep {@link Selector#select()}
 * allocation-free and lock-free, and read load through {@link Candidates#load(int)}.
 */
public interface LoadBalancer {

    /** Name shown in Actuator and logs, e.g. {@code ROUND_ROBIN}. */
    String name();

    /** Builds a selector over {@code candidates} (non-empty, ordered by member id). */
    Selector prepare(Candidates candidates);

    /** Picks among one prepared candidate set. Must be thread-safe. */
    @FunctionalInterface
    interface Selector {

        /** Index of the chosen candidate, {@code 0 <= index < candidates.size()}. */
        int select();
    }
}
