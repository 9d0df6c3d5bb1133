/**
 * Serialization and encryption put together for one migration:
 * {@link io.rpcnet.migration.transfer.SnapshotTransfer} seals a snapshot into encrypted, checksummed chunks
 * bound to the migration, session and chunk position, and opens them on the target.
 */
package io.rpcnet.migration.transfer;
