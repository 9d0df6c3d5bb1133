package io.rpcnet.transport;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A received message passed on as it is (a forwarding proxy): the frame encoder copies its bytes straight
 * from the receive buffer into the frame, one memory copy, no intermediate arrays. The message is not
 * released; its owner still does that.
 */
final class CopiedPayload implements PayloadWriter {

    private final InboundMessage message;

    CopiedPayload(InboundMessage message) {
        this.message = message;
    }

    int size() {
        return message.size();
    }

    /** Appends the bytes to {@code out}: straight from the buffer when the message is one of the transport's. */
    void appendTo(ByteBuf out) throws IOException {
        if (message instanceof ByteBufInboundMessage m) {
            m.appendTo(out);
        } else {
            out.writeBytes(message.toByteArray());
        }
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try (InputStream in = message.stream()) {
            in.transferTo(out);
        }
    }
}
