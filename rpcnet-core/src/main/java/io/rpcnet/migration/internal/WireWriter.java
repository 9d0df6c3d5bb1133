package io.rpcnet.migration.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small growable byte array for the migration's short binary frames (manifests, chunk frames,
 * tokens): unsigned LEB128 varints, length-prefixed strings and bytes, fixed-width integers in big-endian.
 * Large data never goes through here.
 */
public final class WireWriter {

    private byte[] buf;
    private int size;

    public WireWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    public WireWriter writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    public WireWriter writeInt(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    /** Unsigned LEB128; {@code value} must be >= 0. */
    public WireWriter writeVarLong(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("varint must be >= 0, got " + value);
        }
        ensure(10);
        size = Varints.put(buf, size, value);
        return this;
    }

    public WireWriter writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    public WireWriter writeBytes(byte[] b) {
        return writeBytes(b, 0, b.length);
    }

    /** A varint length followed by the bytes. */
    public WireWriter writeLengthPrefixed(byte[] b) {
        writeVarLong(b.length);
        return writeBytes(b);
    }

    /** A varint length followed by the UTF-8 bytes. */
    public WireWriter writeString(String s) {
        return writeLengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
    }

    public int size() {
        return size;
    }

    /** A copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
