package io.rpcnet.migration.serialization;

import io.rpcnet.migration.snapshot.Bytes;

/**
 * Where a serialized snapshot goes, in order: the manifest, every chunk by ascending sequence, then the
 * SHA-256 digest. A network sender, a {@link SerializedSnapshot} collector and a {@link SnapshotReceiver}
 * all implement it, so a snapshot can be streamed from serializer to receiver with no full copy between.
 */
public interface SnapshotSink {

    /** First call: what follows. */
    void begin(SnapshotManifest manifest);

    /** One call per chunk, sequence 0, 1, 2, ... */
    void chunk(SnapshotChunk chunk);

    /** Last call: SHA-256 over the encoded manifest followed by every chunk payload, in order. */
    void end(Bytes digest);
}
