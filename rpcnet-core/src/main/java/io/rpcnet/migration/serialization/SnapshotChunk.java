package io.rpcnet.migration.serialization;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.internal.WireFormatException;
import io.rpcnet.migration.internal.WireReader;
import io.rpcnet.migration.internal.WireWriter;
import io.rpcnet.migration.snapshot.Bytes;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * One piece of a serialized snapshot as it travels: a sequence number, the payload (compressed and, when
 * a {@link PayloadTransform} is used, encrypted) and the CRC32C of that payload. Immutable.
 *
 * <p>Frame: {@code varint sequence | u32 crc32c (big-endian) | varint length | payload}.
 */
public final class SnapshotChunk {

    private final int sequence;
    private final byte[] payload;
    private final int crc32c;

    /** Takes ownership of {@code payload}. */
    SnapshotChunk(int sequence, byte[] payload, int crc32c) {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must be >= 0, got " + sequence);
        }
        this.sequence = sequence;
        this.payload = payload;
        this.crc32c = crc32c;
    }

    /** A chunk over a copy of {@code payload}, with its CRC32C computed. */
    public static SnapshotChunk of(int sequence, byte[] payload) {
        byte[] copy = payload.clone();
        return new SnapshotChunk(sequence, copy, crc(copy, 0, copy.length));
    }

    /** A chunk with an explicit (possibly wrong) CRC, as received; checked by the receiver. */
    public static SnapshotChunk of(int sequence, byte[] payload, int crc32c) {
        return new SnapshotChunk(sequence, payload.clone(), crc32c);
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    public int sequence() {
        return sequence;
    }

    /** The payload, without copying. */
    public Bytes payload() {
        return Bytes.unsafeWrap(payload);
    }

    public int payloadSize() {
        return payload.length;
    }

    public int crc32c() {
        return crc32c;
    }

    /** Whether the payload still matches its CRC32C. */
    public boolean crcMatches() {
        return crc(payload, 0, payload.length) == crc32c;
    }

    byte[] payloadArray() {
        return payload;
    }

    /** The wire frame described above. */
    public byte[] toFrame() {
        return new WireWriter(payload.length + 16).writeVarLong(sequence).writeInt(crc32c)
                .writeLengthPrefixed(payload).toByteArray();
    }

    /**
     * Parses a frame; the CRC is not checked here but by the receiver.
     *
     * @throws MigrationException {@link MigrationError#STATE_CORRUPTION} if the frame is malformed
     */
    public static SnapshotChunk fromFrame(byte[] frame) {
        try {
            WireReader r = new WireReader(frame);
            int seq = r.readVarInt("chunk sequence", Integer.MAX_VALUE);
            int crc = r.readInt("chunk crc");
            byte[] payload = r.readLengthPrefixed("chunk payload", Integer.MAX_VALUE - 8);
            r.requireEnd("chunk frame");
            return new SnapshotChunk(seq, payload, crc);
        } catch (WireFormatException e) {
            throw new MigrationException(MigrationError.STATE_CORRUPTION, "bad chunk frame: " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotChunk c && c.sequence == sequence && c.crc32c == crc32c
                && Arrays.equals(c.payload, payload);
    }

    @Override
    public int hashCode() {
        return 31 * sequence + crc32c;
    }

    @Override
    public String toString() {
        return "SnapshotChunk[seq=" + sequence + ", bytes=" + payload.length + ", crc32c="
                + String.format("%08x", crc32c) + "]";
    }
}
