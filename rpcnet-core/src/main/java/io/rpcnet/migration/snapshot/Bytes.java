package io.rpcnet.migration.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable run of bytes. Snapshot values, chunk payloads and digests are {@code Bytes} so that a
 * snapshot can share the (immutable) values of a live session instead of copying them, and so that a
 * 10 MiB state is not duplicated on every hand-over between the migration stages.
 *
 * <p>{@link #copyOf} copies; {@link #unsafeWrap} takes ownership of an array the caller promises never to
 * modify again (the zero-copy path used by the decoders and by capture).
 */
public final class Bytes {

    private static final Bytes EMPTY = new Bytes(new byte[0], 0, 0);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] array;
    private final int offset;
    private final int length;

    private Bytes(byte[] array, int offset, int length) {
        this.array = array;
        this.offset = offset;
        this.length = length;
    }

    /** The empty value. */
    public static Bytes empty() {
        return EMPTY;
    }

    /** A copy of {@code bytes}. */
    public static Bytes copyOf(byte[] bytes) {
        return copyOf(bytes, 0, bytes.length);
    }

    /** A copy of {@code len} bytes of {@code bytes} from {@code off}. */
    public static Bytes copyOf(byte[] bytes, int off, int len) {
        Objects.checkFromIndexSize(off, len, bytes.length);
        return len == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(bytes, off, off + len), 0, len);
    }

    /** The UTF-8 encoding of {@code s}. */
    public static Bytes ofUtf8(String s) {
        return unsafeWrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Wraps {@code bytes} without copying. The caller hands the array over and must not modify it
     * afterwards, or the "immutable" value (and any checksum computed over it) silently changes.
     */
    public static Bytes unsafeWrap(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes, 0, bytes.length);
    }

    /** Wraps a range of {@code bytes} without copying; see {@link #unsafeWrap(byte[])}. */
    public static Bytes unsafeWrap(byte[] bytes, int off, int len) {
        Objects.checkFromIndexSize(off, len, bytes.length);
        return len == 0 ? EMPTY : new Bytes(bytes, off, len);
    }

    public int size() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return array[offset + index];
    }

    /** A fresh copy of the bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /** Copies the bytes into {@code dst} at {@code dstOff}. */
    public void copyTo(byte[] dst, int dstOff) {
        System.arraycopy(array, offset, dst, dstOff, length);
    }

    /** Writes the bytes to {@code out} without an intermediate copy. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(array, offset, length);
    }

    /** A read-only view; no copy. */
    public ByteBuffer asReadOnlyByteBuffer() {
        return ByteBuffer.wrap(array, offset, length).slice().asReadOnlyBuffer();
    }

    /** Lower-case hexadecimal, e.g. for digests in logs. */
    public String toHex() {
        char[] out = new char[length * 2];
        for (int i = 0; i < length; i++) {
            int b = array[offset + i] & 0xFF;
            out[2 * i] = HEX[b >>> 4];
            out[2 * i + 1] = HEX[b & 0xF];
        }
        return new String(out);
    }

    /** Package-private access for the codec, which writes the bytes without copying. */
    byte[] array() {
        return array;
    }

    int offset() {
        return offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes b
                && Arrays.equals(array, offset, offset + length, b.array, b.offset, b.offset + b.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + array[i];
        }
        return h;
    }

    /** The size only: values may be secrets or session data and do not belong in logs. */
    @Override
    public String toString() {
        return "Bytes[size=" + length + "]";
    }
}
