package io.rpcnet.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import io.netty.util.AbstractReferenceCounted;

/**
 * One decoded frame. The payload is a slice of the receive buffer (no copy); whoever takes the frame
 * releases it.
 */
public final class Frame extends AbstractReferenceCounted {

    /** Flag: the sender has nothing more to send for this call after this frame. */
    public static final int FLAG_END = 0x01;
    /** Flag on CALL: this call owns its QUIC stream; the server ends the stream with the call. */
    public static final int FLAG_DEDICATED = 0x02;

    private final FrameType type;
    private final int flags;
    private final long callId;
    private final ByteBuf payload;

    public Frame(FrameType type, int flags, long callId, ByteBuf payload) {
        this.type = type;
        this.flags = flags;
        this.callId = callId;
        this.payload = payload;
    }

    public FrameType type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    public long callId() {
        return callId;
    }

    public ByteBuf payload() {
        return payload;
    }

    @Override
    protected void deallocate() {
        payload.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return type + "(call=" + callId + ", flags=" + flags + ", bytes=" + payload.readableBytes() + ")";
    }
}
