package io.rpcnet.migration.snapshot;

import io.rpcnet.migration.internal.Varints;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.zip.CRC32C;

/**
 * The canonical binary form of a {@link SessionSnapshot}, version 1. Written straight into an
 * {@link OutputStream} (a compressor, a chunker) so a large state is never materialised as one array;
 * read back incrementally by {@link SnapshotDecoder}.
 *
 * <pre>
 * magic      4 bytes  "RNSS" (0x52 0x4E 0x53 0x53)
 * format     1 byte   0x01
 * sessionId  varint length + UTF-8
 * capturedAt varint zigzag(epoch seconds), varint nanos (0..999 999 999)
 * version    varint
 * attributes varint count, then count x (varint length + UTF-8 name, varint length + value),
 *            names strictly ascending by {@link String#compareTo}
 * buffered   varint count, then count x (varint stream/call id, varint length + data), ids strictly ascending
 * appState   varint count, then count x (varint length + UTF-8 handler name, varint length + state),
 *            names strictly ascending
 * checksum   4 bytes  CRC32C (Castagnoli) of every byte above, big-endian
 * </pre>
 * Varints are unsigned LEB128, minimally encoded. The encoding is a function of the content, so the
 * checksum identifies the content.
 */
public final class SnapshotCodec {

    /** First bytes of every encoded snapshot. */
    public static final byte[] MAGIC = {0x52, 0x4E, 0x53, 0x53};
    /** The format version written by this class. */
    public static final int FORMAT_VERSION = 1;
    /** Bytes of the checksum trailer. */
    public static final int TRAILER_BYTES = 4;
    /** Longest session id and handler name accepted by the decoder, in UTF-8 bytes. */
    static final int MAX_ID_BYTES = 1024;

    private SnapshotCodec() {
    }

    /**
     * Writes the binary form of {@code snapshot}, trailer included, to {@code out}. Values are written
     * from their backing arrays, without copies.
     */
    public static void write(SessionSnapshot snapshot, OutputStream out) throws IOException {
        writeBody(snapshot.sessionId(), snapshot.capturedAt(), snapshot.version(), snapshot.attributes(),
                snapshot.bufferedData(), snapshot.applicationState(), out);
        long crc = snapshot.checksum();
        out.write(new byte[] {(byte) (crc >>> 24), (byte) (crc >>> 16), (byte) (crc >>> 8), (byte) crc});
    }

    static long encodedSize(String sessionId, Instant capturedAt, long version, SortedMap<String, Bytes> attributes,
                            SortedMap<Long, Bytes> buffered, SortedMap<String, Bytes> appState) {
        long n = MAGIC.length + 1;
        n += stringSize(sessionId);
        n += Varints.size(zigzag(capturedAt.getEpochSecond())) + Varints.size(capturedAt.getNano());
        n += Varints.size(version);
        n += Varints.size(attributes.size());
        for (Map.Entry<String, Bytes> e : attributes.entrySet()) {
            n += stringSize(e.getKey()) + valueSize(e.getValue());
        }
        n += Varints.size(buffered.size());
        for (Map.Entry<Long, Bytes> e : buffered.entrySet()) {
            n += Varints.size(e.getKey()) + valueSize(e.getValue());
        }
        n += Varints.size(appState.size());
        for (Map.Entry<String, Bytes> e : appState.entrySet()) {
            n += stringSize(e.getKey()) + valueSize(e.getValue());
        }
        return n + TRAILER_BYTES;
    }

    static long checksum(String sessionId, Instant capturedAt, long version, SortedMap<String, Bytes> attributes,
                         SortedMap<Long, Bytes> buffered, SortedMap<String, Bytes> appState) {
        CRC32C crc = new CRC32C();
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                crc.update(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                crc.update(b, off, len);
            }
        };
        try {
            writeBody(sessionId, capturedAt, version, attributes, buffered, appState, sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: the sink does no I/O
        }
        return crc.getValue();
    }

    private static void writeBody(String sessionId, Instant capturedAt, long version,
                                  SortedMap<String, Bytes> attributes, SortedMap<Long, Bytes> buffered,
                                  SortedMap<String, Bytes> appState, OutputStream out) throws IOException {
        byte[] scratch = new byte[32];
        out.write(MAGIC);
        out.write(FORMAT_VERSION);
        writeString(sessionId, out, scratch);
        int p = Varints.put(scratch, 0, zigzag(capturedAt.getEpochSecond()));
        p = Varints.put(scratch, p, capturedAt.getNano());
        p = Varints.put(scratch, p, version);
        p = Varints.put(scratch, p, attributes.size());
        out.write(scratch, 0, p);
        for (Map.Entry<String, Bytes> e : attributes.entrySet()) {
            writeString(e.getKey(), out, scratch);
            writeValue(e.getValue(), out, scratch);
        }
        out.write(scratch, 0, Varints.put(scratch, 0, buffered.size()));
        for (Map.Entry<Long, Bytes> e : buffered.entrySet()) {
            out.write(scratch, 0, Varints.put(scratch, 0, e.getKey()));
            writeValue(e.getValue(), out, scratch);
        }
        out.write(scratch, 0, Varints.put(scratch, 0, appState.size()));
        for (Map.Entry<String, Bytes> e : appState.entrySet()) {
            writeString(e.getKey(), out, scratch);
            writeValue(e.getValue(), out, scratch);
        }
    }

    private static void writeString(String s, OutputStream out, byte[] scratch) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.write(scratch, 0, Varints.put(scratch, 0, utf8.length));
        out.write(utf8);
    }

    private static void writeValue(Bytes v, OutputStream out, byte[] scratch) throws IOException {
        out.write(scratch, 0, Varints.put(scratch, 0, v.size()));
        if (v.size() > 0) {
            out.write(v.array(), v.offset(), v.size());
        }
    }

    private static long stringSize(String s) {
        int len = s.getBytes(StandardCharsets.UTF_8).length;
        return Varints.size(len) + len;
    }

    private static long valueSize(Bytes v) {
        return Varints.size(v.size()) + v.size();
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
