package io.rpcnet.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits a stream's bytes into {@link Frame}s. A MESSAGE larger than the limit is skipped without being
 * buffered and reported as {@link Oversized} so only that call fails; bytes that cannot be frames
 * (unknown type, undefined flags, a truncated frame at end of stream) are reported once as
 * {@link Malformed} and everything after them on the stream is discarded.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    /** A MESSAGE over the size limit; its bytes are being skipped. */
    public record Oversized(long callId, long length, long limit) {
    }

    /** The stream no longer carries valid frames. */
    public record Malformed(String reason) {
    }

    private static final int KNOWN_FLAGS = Frame.FLAG_END | Frame.FLAG_DEDICATED;

    private final int maxMessageSize;
    private long bytesToSkip;
    private boolean failed;

    public FrameDecoder(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (failed) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (bytesToSkip > 0) {
                int skip = (int) Math.min(bytesToSkip, in.readableBytes());
                in.skipBytes(skip);
                bytesToSkip -= skip;
                continue;
            }
            if (!decodeOne(in, out)) {
                return;
            }
        }
    }

    private boolean decodeOne(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int typeCode = in.getUnsignedByte(start);
        FrameType type = FrameType.fromCode(typeCode);
        if (type == null) {
            return fail(out, String.format("unknown frame type 0x%02x", typeCode));
        }
        if (in.readableBytes() < 2) {
            return false;
        }
        int flags = in.getUnsignedByte(start + 1);
        if ((flags & ~KNOWN_FLAGS) != 0) {
            return fail(out, String.format("undefined flags 0x%02x on %s frame", flags, type));
        }
        long callId = Varint.get(in, start + 2);
        if (callId == Varint.INCOMPLETE) {
            return false;
        }
        int lengthIndex = start + 2 + Varint.encodedLength(in, start + 2);
        long length = Varint.get(in, lengthIndex);
        if (length == Varint.INCOMPLETE) {
            return false;
        }
        int headerLength = lengthIndex - start + Varint.encodedLength(in, lengthIndex);
        if (type.isControl() != (callId == 0) && !(type == FrameType.STATUS && callId == 0)) {
            return fail(out, type.isControl()
                    ? type + " frame must carry call id 0, got " + callId
                    : type + " frame must carry a non-zero call id");
        }
        if (type == FrameType.MESSAGE && length > maxMessageSize) {
            in.skipBytes(headerLength);
            bytesToSkip = length;
            out.add(new Oversized(callId, length, maxMessageSize));
            return true;
        }
        if (type != FrameType.MESSAGE && length > FrameCodec.MAX_CONTROL_PAYLOAD) {
            return fail(out, type + " frame of " + length + " bytes exceeds the limit of "
                    + FrameCodec.MAX_CONTROL_PAYLOAD);
        }
        if (in.readableBytes() < headerLength + length) {
            return false;
        }
        in.skipBytes(headerLength);
        out.add(new Frame(type, flags, callId, in.readRetainedSlice((int) length)));
        return true;
    }

    private boolean fail(List<Object> out, String reason) {
        failed = true;
        out.add(new Malformed(reason));
        return true;
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        decode(ctx, in, out);
        if (!failed && (in.isReadable() || bytesToSkip > 0)) {
            int partial = in.readableBytes();
            in.skipBytes(partial);
            fail(out, bytesToSkip > 0
                    ? "stream ended inside an oversized message"
                    : "truncated frame: stream ended after " + partial + " bytes of an incomplete frame");
        }
    }
}
