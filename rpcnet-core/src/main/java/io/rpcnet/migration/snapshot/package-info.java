/**
 * What a session looks like when it moves: {@link io.rpcnet.migration.snapshot.SessionSnapshot}, its
 * canonical binary form ({@link io.rpcnet.migration.snapshot.SnapshotCodec},
 * {@link io.rpcnet.migration.snapshot.SnapshotDecoder}), and the SPI through which applications contribute
 * their own per-session state ({@link io.rpcnet.migration.snapshot.MigrationStateHandler},
 * {@link io.rpcnet.migration.snapshot.StateHandlers}).
 */
package io.rpcnet.migration.snapshot;
