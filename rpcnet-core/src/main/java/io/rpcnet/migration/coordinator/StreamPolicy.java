package io.rpcnet.migration.coordinator;

/** What a migration's cut-over does with the session's streaming calls still in flight when it holds the session. */
enum StreamPolicy {

    /** Waits for them like for any call, within the pause budget: single migrations and a drain's first attempt. */
    WAIT,

    /**
     * Ends them through the director right after the hold (UNAVAILABLE, marked as a migration's interruption, so
     * their clients re-open them) and waits only for the unary calls: a drain's retry of a session whose streams
     * blew the pause budget.
     */
    INTERRUPT
}
