package io.rpcnet.migration;

/**
 * Why a migration step was refused or failed. Carried by {@link MigrationException} so callers (the
 * coordinator, Actuator, metrics) can react to the cause without parsing messages.
 */
public enum MigrationError {

    /** A migration token is malformed, signed with an unknown key, forged, or bound to other values. */
    INVALID_TOKEN,
    /** A migration token was well-formed and authentic but its expiry has passed. */
    TOKEN_EXPIRED,
    /** A migration token's nonce was already accepted once. */
    REPLAYED,
    /** The source issued more migration requests than its rate limit allows. */
    RATE_LIMITED,
    /**
     * Migrated state failed a check: a checksum, the digest, the authentication tag, the key, the binding
     * to the migration and session, or the binary format. Nothing is restored.
     */
    STATE_CORRUPTION,
    /**
     * The state is larger than the configured cap. Not one of the errors named in the original issue: it
     * is separate from {@link #STATE_CORRUPTION} because the sender refuses it before any work.
     */
    STATE_TOO_LARGE,
    /** The target worker cannot take the session (down, draining, or refusing). */
    TARGET_UNAVAILABLE,
    /** The source worker cannot hand the session over (down, or no longer the owner). */
    SOURCE_UNAVAILABLE,
    /** The session is already being migrated. */
    ALREADY_MIGRATING,
    /** The cut-over held calls for longer than its pause budget allows. */
    PAUSE_BUDGET_EXCEEDED,
    /** A step did not finish before its deadline. */
    TIMEOUT,
    /** An operator or the system cancelled the migration. */
    ABORTED
}
