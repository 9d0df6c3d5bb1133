package io.rpcnet.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufUtil;

import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@link InboundMessage} over a retained slice of the receive buffer; release is idempotent. */
final class ByteBufInboundMessage implements InboundMessage {

    private final ByteBuf buf;
    private final AtomicBoolean released = new AtomicBoolean();

    ByteBufInboundMessage(ByteBuf buf) {
        this.buf = buf;
    }

    @Override
    public int size() {
        return buf.readableBytes();
    }

    @Override
    public InputStream stream() {
        return new ByteBufInputStream(buf.duplicate(), false);
    }

    /** Copies the bytes to the end of {@code out} (forwarding), without consuming them. */
    void appendTo(ByteBuf out) {
        out.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
    }

    @Override
    public byte[] toByteArray() {
        return ByteBufUtil.getBytes(buf);
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            buf.release();
        }
    }
}
