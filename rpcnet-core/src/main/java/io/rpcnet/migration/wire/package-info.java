/**
 * What travels between two workers when a director moves a session: the RPC service
 * ({@link io.rpcnet.migration.wire.MigrationProtocol}), the bridge between the session layer's state and
 * the migration's snapshot ({@link io.rpcnet.migration.wire.SessionSnapshots}), and the binary form of the
 * catch-up changes ({@link io.rpcnet.migration.wire.DeltaCodec}). Never depends on the director or the
 * server package.
 */
package io.rpcnet.migration.wire;
