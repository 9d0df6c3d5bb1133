package io.rpcnet.migration.serialization;

import io.rpcnet.migration.snapshot.Bytes;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The sending half of the pipeline: an {@link OutputStream} the snapshot encoder writes into. Bytes are
 * cut into blocks of exactly the manifest's block sizes; each full block is compressed, sealed and
 * checksummed as one task, and the resulting chunks reach the sink in order, each also fed to the digest.
 * Peak memory: the block being filled plus {@code maxInFlight} blocks and their outputs.
 */
final class ChunkWriter extends OutputStream {

    private final SnapshotManifest manifest;
    private final BlockCodec codec;
    private final PayloadTransform transform;
    private final SnapshotSink sink;
    private final MessageDigest digest;
    private final OrderedPipeline<SnapshotChunk> pipeline;
    private byte[] block;
    private int fill;
    private int sequence;

    ChunkWriter(SnapshotManifest manifest, BlockCodec codec, PayloadTransform transform, SnapshotSink sink,
                Executor executor, int maxInFlight) {
        this.manifest = manifest;
        this.codec = codec;
        this.transform = transform;
        this.sink = sink;
        this.digest = Digests.sha256();
        this.digest.update(manifest.encode());
        this.pipeline = new OrderedPipeline<>(manifest.chunkCount() > 1 ? executor : null, maxInFlight, this::emit);
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (block == null) {
                if (sequence >= manifest.chunkCount()) {
                    throw new IllegalStateException("encoder wrote more than the " + manifest.rawSize()
                            + " bytes it declared");
                }
                block = new byte[manifest.blockSize(sequence)];
                fill = 0;
            }
            int n = Math.min(len, block.length - fill);
            System.arraycopy(b, off, block, fill, n);
            fill += n;
            off += n;
            len -= n;
            if (fill == block.length) {
                BlockTask task = new BlockTask(block, sequence++);
                block = null;
                pipeline.submit(task);
            }
        }
    }

    /** Waits for every chunk, then sends the digest. */
    void finish() {
        pipeline.drain(true);
        if (sequence != manifest.chunkCount() || block != null) {
            throw new IllegalStateException("encoder wrote less than the " + manifest.rawSize()
                    + " bytes it declared");
        }
        sink.end(Bytes.unsafeWrap(digest.digest()));
    }

    void abort() {
        pipeline.cancel();
    }

    /** Compresses, seals and checksums one block; drops the raw block as soon as it is compressed. */
    private final class BlockTask implements Supplier<SnapshotChunk> {
        private byte[] raw;
        private final int seq;

        BlockTask(byte[] raw, int seq) {
            this.raw = raw;
            this.seq = seq;
        }

        @Override
        public SnapshotChunk get() {
            byte[] r = raw;
            raw = null;
            BlockCodec.Slice c = codec.compress(r, 0, r.length);
            r = null; // the largest buffer of the task: release it before sealing allocates the payload
            byte[] payload = transform.seal(c.array(), c.offset(), c.length(), seq, manifest.chunkCount());
            return new SnapshotChunk(seq, payload, SnapshotChunk.crc(payload, 0, payload.length));
        }
    }

    private void emit(SnapshotChunk chunk) {
        digest.update(chunk.payloadArray());
        sink.chunk(chunk);
    }
}
