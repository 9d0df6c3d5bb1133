package io.rpcnet.migration.serialization;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.internal.WireFormatException;
import io.rpcnet.migration.internal.WireReader;
import io.rpcnet.migration.internal.WireWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a receiver must know before the first chunk: format version, compression, chunk size, chunk
 * count and the exact size of the snapshot's binary form. Sent first, so the receiver can apply its size
 * cap before any work and knows each chunk's uncompressed size; it is also the first input of the
 * whole-transfer digest, and chunk encryption binds the chunk count, so a forged manifest is detected.
 *
 * <pre>
 * magic "RNSM" | version 0x01 | compression id (1 byte) | varint chunkSize | varint chunkCount | varint rawSize
 * </pre>
 *
 * @param compression how chunks are compressed (a chunk may still be stored when it does not shrink)
 * @param chunkSize   uncompressed bytes per chunk; the last chunk may be shorter
 * @param chunkCount  {@code ceil(rawSize / chunkSize)}
 * @param rawSize     bytes of the snapshot's binary form
 */
public record SnapshotManifest(Compression compression, int chunkSize, int chunkCount, long rawSize) {

    /** Version of the chunked transfer format (manifest, chunk payloads, digest). */
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = {0x52, 0x4E, 0x53, 0x4D};

    public SnapshotManifest {
        Objects.requireNonNull(compression, "compression");
        if (chunkSize < SerializationConfig.MIN_CHUNK_SIZE || chunkSize > SerializationConfig.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " outside "
                    + SerializationConfig.MIN_CHUNK_SIZE + ".." + SerializationConfig.MAX_CHUNK_SIZE);
        }
        if (rawSize < 1 || rawSize > SerializationConfig.MAX_MAX_SNAPSHOT_BYTES) {
            throw new IllegalArgumentException("snapshot size " + rawSize + " outside 1.."
                    + SerializationConfig.MAX_MAX_SNAPSHOT_BYTES);
        }
        long expected = (rawSize + chunkSize - 1) / chunkSize;
        if (chunkCount != expected) {
            throw new IllegalArgumentException("chunk count " + chunkCount + " does not match " + rawSize
                    + " bytes in chunks of " + chunkSize + " (expected " + expected + ")");
        }
    }

    /** The manifest for {@code rawSize} bytes cut into chunks of {@code chunkSize}. */
    public static SnapshotManifest of(Compression compression, int chunkSize, long rawSize) {
        return new SnapshotManifest(compression, chunkSize, (int) ((rawSize + chunkSize - 1) / chunkSize), rawSize);
    }

    /** Uncompressed bytes in chunk {@code sequence}. */
    public int blockSize(int sequence) {
        Objects.checkIndex(sequence, chunkCount);
        return (int) Math.min(chunkSize, rawSize - (long) sequence * chunkSize);
    }

    /** The binary form described above. */
    public byte[] encode() {
        return new WireWriter(24).writeBytes(MAGIC).writeByte(FORMAT_VERSION).writeByte(compression.id())
                .writeVarLong(chunkSize).writeVarLong(chunkCount).writeVarLong(rawSize).toByteArray();
    }

    /**
     * Parses {@link #encode()}'s output.
     *
     * @throws MigrationException {@link MigrationError#STATE_CORRUPTION} if malformed or inconsistent
     */
    public static SnapshotManifest decode(byte[] bytes) {
        try {
            WireReader r = new WireReader(bytes);
            if (!Arrays.equals(r.readBytes(MAGIC.length, "manifest magic"), MAGIC)) {
                throw new WireFormatException("not a snapshot manifest (bad magic)");
            }
            int version = r.readByte("manifest version");
            if (version != FORMAT_VERSION) {
                throw new WireFormatException("unsupported transfer format version " + version);
            }
            int compressionId = r.readByte("compression");
            Compression compression = Compression.byId(compressionId);
            if (compression == null) {
                throw new WireFormatException("unknown compression id " + compressionId);
            }
            int chunkSize = r.readVarInt("chunk size", SerializationConfig.MAX_CHUNK_SIZE);
            int chunkCount = r.readVarInt("chunk count", Integer.MAX_VALUE);
            long rawSize = r.readVarLong("snapshot size");
            r.requireEnd("manifest");
            return new SnapshotManifest(compression, chunkSize, chunkCount, rawSize);
        } catch (WireFormatException | IllegalArgumentException e) {
            throw new MigrationException(MigrationError.STATE_CORRUPTION, "bad snapshot manifest: " + e.getMessage());
        }
    }
}
