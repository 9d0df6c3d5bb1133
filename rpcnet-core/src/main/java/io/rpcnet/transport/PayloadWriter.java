package io.rpcnet.transport;

import java.io.IOException;
import java.io.OutputStream;

/** Writes one message's serialized bytes straight into the transport's frame buffer (no extra copy). */
@FunctionalInterface
public interface PayloadWriter {

    void writeTo(OutputStream out) throws IOException;

    /** Copies a received message as it is (forwarding); the message itself is not released. */
    static PayloadWriter copyOf(InboundMessage message) {
        return new CopiedPayload(message);
    }

    /** A writer for bytes already serialized. */
    static PayloadWriter ofBytes(byte[] bytes) {
        return out -> out.write(bytes);
    }
}
