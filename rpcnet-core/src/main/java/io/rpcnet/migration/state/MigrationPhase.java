package io.rpcnet.migration.state;

/**
 * The steps of {@link MigrationState#TRANSFERRING}, always in this order: a migration enters BASE_COPY,
 * then CATCH_UP, then CUT_OVER, and completes only from CUT_OVER.
 */
public enum MigrationPhase {
    /** The snapshot goes to the target while calls keep flowing to the source. */
    BASE_COPY,
    /** Changes made since the snapshot follow until the lag is small. */
    CATCH_UP,
    /** Calls are held, the final delta is applied, the route switches. */
    CUT_OVER;

    /** The phase after this one, or null after CUT_OVER. */
    public MigrationPhase next() {
        return this == CUT_OVER ? null : values()[ordinal() + 1];
    }
}
