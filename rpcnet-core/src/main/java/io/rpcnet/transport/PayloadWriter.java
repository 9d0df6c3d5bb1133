package io.rpcnet.transport;

import java.io.IOException;
import java.io.OutputStream;

/** Writes one message's serialized bytes straight into the transport's frame buffer (no extra copy). */
@FunctionalInterface
public interface PayloadWriter {

    void writeTo(OutputStream out) throws IOException;

    /** A writer for bytes already serialized. */
    static PayloadWriter ofBytes(byte[] bytes) {
        return out -> out.write(bytes);
    }
}
