package io.rpcnet.session;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An immutable byte string: an encoded attribute value or a cached response. Copies on the way in and
 * out, so a {@link SessionState} or {@link SessionChange} can never be changed after the fact.
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
