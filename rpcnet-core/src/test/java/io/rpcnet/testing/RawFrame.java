package io.rpcnet.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rpcnet.protocol.FrameCodec;
import io.rpcnet.protocol.FrameType;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** One frame as the server sent it on a {@link RawStream}: header fields and the payload, not interpreted. */
public record RawFrame(int type, int flags, long callId, byte[] payload) {

    public boolean isStatus() {
        return type == FrameType.STATUS.code();
    }

    public boolean isMessage() {
        return type == FrameType.MESSAGE.code();
    }

    /** The STATUS payload decoded; fails if this is not a STATUS frame or has bytes left over. */
    public Status status() {
        if (!isStatus()) {
            throw new AssertionError("not a STATUS frame: " + this);
        }
        return decode(in -> {
            Status status = FrameCodec.readStatus(in, null);
            if (in.isReadable()) {
                throw new AssertionError("STATUS has " + in.readableBytes() + " trailing bytes");
            }
            return status;
        });
    }

    /** The trailers of a STATUS frame. */
    public Metadata trailers() {
        Metadata trailers = new Metadata();
        decode(in -> FrameCodec.readStatus(in, trailers));
        return trailers;
    }

    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The payload read by {@code reader} from a buffer that is released afterwards. */
    <T> T decode(Function<ByteBuf, T> reader) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        try {
            return reader.apply(buf);
        } finally {
            buf.release();
        }
    }

    @Override
    public String toString() {
        String what = FrameType.fromCode(type) == null ? String.format("0x%02x", type) : FrameType.fromCode(type).name();
        return what + "(call=" + callId + ", flags=" + flags + ", bytes=" + payload.length
                + (isStatus() ? ", " + status() : "") + ")";
    }
}
