/**
 * Turns a {@link io.rpcnet.migration.snapshot.SessionSnapshot} into chunks and back: compression (none,
 * gzip, zstd), chunking with per-chunk sequence numbers and CRC32C, a SHA-256 digest of the whole, a size
 * cap, and a streaming, bounded-memory pipeline ({@link io.rpcnet.migration.serialization.SerializationService}).
 * Encryption plugs in as a {@link io.rpcnet.migration.serialization.PayloadTransform}.
 */
package io.rpcnet.migration.serialization;
