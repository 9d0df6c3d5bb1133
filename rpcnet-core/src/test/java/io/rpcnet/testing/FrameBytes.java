package io.rpcnet.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.FrameCodec;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Varint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Frames as bytes, for a {@link RawStream} to write: valid frames through the reference codec, and a frame
 * with any header at all; bad bytes beyond that are made by the tests themselves.
 */
public final class FrameBytes {

    private FrameBytes() {
    }

    /** Encodes whatever {@code writer} puts in a buffer and returns the bytes (the buffer is released). */
    public static byte[] encode(Consumer<ByteBuf> writer) {
        ByteBuf buf = Unpooled.buffer(128);
        try {
            writer.accept(buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /** A CALL frame with no deadline, no session and no metadata. */
    public static byte[] call(long callId, int flags, String method) {
        return encode(out -> FrameCodec.writeCall(out, callId, flags, new CallHeader(method, 0, null, Metadata.empty())));
    }

    public static byte[] message(long callId, int flags, byte[] payload) {
        return encode(out -> FrameCodec.writeMessage(out, callId, flags, payload));
    }

    public static byte[] message(long callId, int flags, String utf8) {
        return message(callId, flags, utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** A frame with an arbitrary header and payload, length in the minimal varint form. */
    public static byte[] frame(int type, int flags, long callId, byte[] payload) {
        return encode(out -> {
            out.writeByte(type);
            out.writeByte(flags);
            Varint.write(out, callId);
            Varint.write(out, payload.length);
            out.writeBytes(payload);
        });
    }

    /** {@code parts} back to back, to go out in one write. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
