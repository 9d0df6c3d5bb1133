package io.rpcnet.migration.state;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a migration stands. The only transitions: IDLE → PREPARING → TRANSFERRING → COMPLETED, and
 * PREPARING → FAILED, TRANSFERRING → FAILED. COMPLETED and FAILED are final.
 */
public enum MigrationState {
    /** Created, nothing done yet. */
    IDLE,
    /** Checking ownership and epoch, reserving the target, issuing the token. */
    PREPARING,
    /** Moving state; see {@link MigrationPhase}. */
    TRANSFERRING,
    /** The target owns the session. */
    COMPLETED,
    /** Rolled back; the source still owns the session. */
    FAILED;

    /** States this one may move to. */
    public Set<MigrationState> successors() {
        return switch (this) {
            case IDLE -> EnumSet.of(PREPARING);
            case PREPARING -> EnumSet.of(TRANSFERRING, FAILED);
            case TRANSFERRING -> EnumSet.of(COMPLETED, FAILED);
            case COMPLETED, FAILED -> EnumSet.noneOf(MigrationState.class);
        };
    }

    public boolean canTransitionTo(MigrationState next) {
        return successors().contains(next);
    }

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED;
    }
}
