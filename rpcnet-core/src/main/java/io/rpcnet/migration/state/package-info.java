/**
 * The life of one migration: {@link io.rpcnet.migration.state.MigrationState}s and the
 * {@link io.rpcnet.migration.state.MigrationPhase}s of a transfer, the thread-safe
 * {@link io.rpcnet.migration.state.MigrationStateMachine} that allows only the legal transitions, its
 * timestamped history and its listeners.
 */
package io.rpcnet.migration.state;
