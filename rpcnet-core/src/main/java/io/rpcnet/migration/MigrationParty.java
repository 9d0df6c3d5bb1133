package io.rpcnet.migration;

/**
 * Who asked for, performed or confirmed a migration step; recorded in requests, confirmations and the
 * tracker so an operator can tell a drain from a rebalance from a manual move.
 */
public enum MigrationParty {
    /** The application's client, e.g. in direct mode when it resumes on another worker. */
    CLIENT,
    /** The worker that owns the session before the migration. */
    SOURCE_WORKER,
    /** The worker that owns the session after the migration. */
    TARGET_WORKER,
    /** The director, e.g. for a rebalance or a drain. */
    DIRECTOR,
    /** A person, through Actuator or an API. */
    OPERATOR,
    /** Automatic housekeeping, e.g. timeouts and shutdown. */
    SYSTEM
}
