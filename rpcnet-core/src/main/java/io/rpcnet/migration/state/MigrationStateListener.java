package io.rpcnet.migration.state;

/**
 * Told about every transition of a {@link MigrationStateMachine}, in order, on the thread that made it,
 * while the machine is locked: keep it short and do not transition the same machine from here (that
 * throws). Exceptions are logged and otherwise ignored.
 */
@FunctionalInterface
public interface MigrationStateListener {

    void onTransition(String migrationId, StateTransition transition);
}
