package io.rpcnet.session;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An immutable byte string: an encoded attribute value or a cached response. Copies on the way in and
 * out, so a {@link SessionState} or {@link SessionChange} can never be changed after the fact. It never lends
 * out its array, which is why the migration layer copies a value once when it crosses to its own byte type
 * ({@link #copyOf(ByteBuffer)}, {@link #copyTo(byte[], int)}) rather than sharing it.
 */
public final class SessionBytes {

    private static final SessionBytes EMPTY = new SessionBytes(new byte[0]);

    private final byte[] bytes;

    private SessionBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}. */
    public static SessionBytes copyOf(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return bytes.length == 0 ? EMPTY : new SessionBytes(bytes.clone());
    }

    /** A copy of the bytes {@code buffer} has remaining; its position does not move. */
    public static SessionBytes copyOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return owning(bytes);
    }

    /** Takes ownership of {@code bytes} (the caller must not change them afterwards). */
    static SessionBytes owning(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new SessionBytes(bytes);
    }

    public static SessionBytes empty() {
        return EMPTY;
    }

    public int size() {
        return bytes.length;
    }

    /** A fresh copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Copies the bytes into {@code dst} at {@code dstOff}. */
    public void copyTo(byte[] dst, int dstOff) {
        Objects.checkFromIndexSize(dstOff, bytes.length, dst.length);
        System.arraycopy(bytes, 0, dst, dstOff, bytes.length);
    }

    /** The backing array, for package code that promises not to change it. */
    byte[] unsafeArray() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionBytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Size and a short prefix, never the whole content (it may be sensitive). */
    @Override
    public String toString() {
        int n = Math.min(bytes.length, 8);
        return "SessionBytes[" + bytes.length + " bytes, "
                + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(bytes, n))
                + (bytes.length > n ? "…]" : "]");
    }
}
