package io.rpcnet.session;

import java.lang.reflect.Type;

/**
 * Turns session attribute values into bytes and back. Attributes are stored encoded, so a session can be
 * snapshotted and moved to another worker at any time; implementations must be thread-safe.
 */
public interface SessionValueCodec {

    /** Encodes {@code value} (never null). Throws {@link IllegalArgumentException} if it cannot. */
    byte[] encode(Object value);

    /**
     * Decodes bytes written by {@link #encode} as {@code type}; must not modify {@code bytes} (they are the
     * session's stored value). Throws {@link IllegalArgumentException} if it cannot.
     */
    <T> T decode(byte[] bytes, Type type);

    /** The default: JSON through Jackson (see {@link JacksonSessionValueCodec}). */
    static SessionValueCodec json() {
        return new JacksonSessionValueCodec();
    }
}
