package io.rpcnet.migration.serialization;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import io.rpcnet.migration.snapshot.SnapshotDecoder;
import java.security.MessageDigest;
import java.util.concurrent.Executor;

/**
 * The receiving half of the pipeline, fed chunk by chunk as they arrive. The manifest is checked against
 * the size cap before anything else; each chunk's sequence is checked on arrival, then (in parallel) its
 * CRC32C, its {@link PayloadTransform} (decryption) and its decompression, and the blocks are parsed in
 * order by a {@link SnapshotDecoder}. The snapshot is released by {@link #result()} only after the digest,
 * the chunk count and the snapshot's own checksum have all been verified; on any failure the receiver
 * stays failed and holds nothing usable.
 *
 * <p>Peak memory: the snapshot being rebuilt plus {@code maxInFlight} chunks and their decompressed blocks.
 * Calls must come from one thread at a time (typically the one reading the transfer).
 */
public final class SnapshotReceiver implements SnapshotSink {

    private final BlockCodec codec;
    private final PayloadTransform transform;
    private final String expectedSessionId;
    private final long maxBytes;
    private final Executor executor;
    private final int maxInFlight;
    private final MessageDigest digest = Digests.sha256();
    private SnapshotManifest manifest;
    private SnapshotDecoder decoder;
    private OrderedPipeline<BlockCodec.Slice> pipeline;
    private int nextSequence;
    private SessionSnapshot result;
    private RuntimeException failure;

    SnapshotReceiver(BlockCodec codec, PayloadTransform transform, String expectedSessionId, long maxBytes,
                     Executor executor, int maxInFlight) {
        this.codec = codec;
        this.transform = transform;
        this.expectedSessionId = expectedSessionId;
        this.maxBytes = maxBytes;
        this.executor = executor;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void begin(SnapshotManifest m) {
        guard(() -> {
            if (manifest != null) {
                throw corrupt("second manifest");
            }
            if (m.rawSize() > maxBytes) {
                throw new MigrationException(MigrationError.STATE_TOO_LARGE, "incoming snapshot is " + m.rawSize()
                        + " bytes, over this worker's cap of " + maxBytes + " bytes");
            }
            manifest = m;
            decoder = new SnapshotDecoder(m.rawSize(), expectedSessionId);
            digest.update(m.encode());
            pipeline = new OrderedPipeline<>(m.chunkCount() > 1 ? executor : null, maxInFlight,
                    b -> decoder.feed(b.array(), b.offset(), b.length()));
        });
    }

    @Override
    public void chunk(SnapshotChunk chunk) {
        guard(() -> {
            if (manifest == null) {
                throw corrupt("chunk before the manifest");
            }
            if (nextSequence >= manifest.chunkCount()) {
                throw corrupt("chunk " + chunk.sequence() + " beyond the manifest's " + manifest.chunkCount());
            }
            if (chunk.sequence() != nextSequence) {
                throw corrupt("chunk " + chunk.sequence() + " arrived, expected " + nextSequence);
            }
            nextSequence++;
            digest.update(chunk.payloadArray());
            pipeline.submit(() -> decode(chunk));
        });
    }

    @Override
    public void end(Bytes expectedDigest) {
        guard(() -> {
            if (manifest == null) {
                throw corrupt("end before the manifest");
            }
            if (nextSequence != manifest.chunkCount()) {
                throw corrupt("transfer ended after " + nextSequence + " of " + manifest.chunkCount() + " chunks");
            }
            pipeline.drain(true);
            if (!MessageDigest.isEqual(digest.digest(), expectedDigest.toByteArray())) {
                throw corrupt("SHA-256 digest of the transfer does not match");
            }
            result = decoder.finish();
            decoder = null;
        });
    }

    /** The verified snapshot. */
    public SessionSnapshot result() {
        if (failure != null) {
            throw failure;
        }
        if (result == null) {
            throw new IllegalStateException("transfer not finished");
        }
        return result;
    }

    /** Whether a check failed; the failure is rethrown by every later call. */
    public boolean failed() {
        return failure != null;
    }

    /** Gives up: drops work in flight and fails the receiver. */
    public void abort() {
        if (failure == null && result == null) {
            failure = new MigrationException(MigrationError.ABORTED, "snapshot transfer aborted");
        }
        if (pipeline != null) {
            pipeline.cancel();
        }
    }

    private BlockCodec.Slice decode(SnapshotChunk chunk) {
        int seq = chunk.sequence();
        if (!chunk.crcMatches()) {
            throw corrupt("chunk " + seq + ": CRC32C mismatch");
        }
        byte[] plain = transform.open(chunk.payloadArray(), seq, manifest.chunkCount());
        try {
            return codec.decompress(plain, 0, plain.length, manifest.blockSize(seq), manifest.compression());
        } catch (MigrationException e) {
            throw new MigrationException(e.error(), "chunk " + seq + ": " + e.getMessage(), e);
        }
    }

    private void guard(Runnable step) {
        if (failure != null) {
            throw failure;
        }
        if (result != null) {
            throw new IllegalStateException("transfer already finished");
        }
        try {
            step.run();
        } catch (RuntimeException | Error e) {
            failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            decoder = null;
            if (pipeline != null) {
                pipeline.cancel();
            }
            throw e;
        }
    }

    private static MigrationException corrupt(String message) {
        return new MigrationException(MigrationError.STATE_CORRUPTION, message);
    }
}
