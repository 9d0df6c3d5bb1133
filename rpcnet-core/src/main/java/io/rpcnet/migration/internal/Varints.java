package io.rpcnet.migration.internal;

/**
 * Unsigned LEB128 varints (7 bits per byte, low groups first, high bit = more follows), the integer
 * encoding of every migration format. Values are non-negative longs; encodings are minimal.
 */
public final class Varints {

    private Varints() {
    }

    /** Bytes the encoding of {@code value} (>= 0) takes: 1 to 9. */
    public static int size(long value) {
        int n = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            n++;
        }
        return n;
    }

    /** Writes {@code value} at {@code pos}; returns the position after it. */
    public static int put(byte[] buf, int pos, long value) {
        while ((value & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf[pos++] = (byte) value;
        return pos;
    }
}
