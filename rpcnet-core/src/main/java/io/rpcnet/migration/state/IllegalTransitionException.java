package io.rpcnet.migration.state;

/**
 * A transition the state machine does not allow — a programming or concurrency error in the caller, not
 * a migration failure, hence an {@link IllegalStateException} rather than a
 * {@link io.rpcnet.migration.MigrationException}.
 */
public final class IllegalTransitionException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final MigrationState fromState;
    private final MigrationPhase fromPhase;
    private final MigrationState toState;
    private final MigrationPhase toPhase;

    IllegalTransitionException(String migrationId, MigrationState fromState, MigrationPhase fromPhase,
                               MigrationState toState, MigrationPhase toPhase, String why) {
        super("migration '" + migrationId + "': illegal transition " + label(fromState, fromPhase) + " -> "
                + label(toState, toPhase) + ": " + why);
        this.fromState = fromState;
        this.fromPhase = fromPhase;
        this.toState = toState;
        this.toPhase = toPhase;
    }

    private static String label(MigrationState s, MigrationPhase p) {
        return p == null ? s.name() : s + "/" + p;
    }

    public MigrationState fromState() {
        return fromState;
    }

    public MigrationPhase fromPhase() {
        return fromPhase;
    }

    public MigrationState toState() {
        return toState;
    }

    public MigrationPhase toPhase() {
        return toPhase;
    }
}
