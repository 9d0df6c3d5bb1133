package io.rpcnet.transport;

import java.io.InputStream;

/**
 * A received message still in the transport's buffer. Read it once ({@link #stream()} or
 * {@link #toByteArray()}) and {@link #release()} it; the buffer is pooled memory.
 */
public interface InboundMessage {

    int size();

    /** A stream over the bytes; reading it does not release the message. */
    InputStream stream();

    byte[] toByteArray();

    void release();
}
