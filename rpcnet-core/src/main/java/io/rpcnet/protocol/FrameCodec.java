package io.rpcnet.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes frames and reads the structured payloads (CALL, STATUS, CANCEL, HELLO, GOAWAY). A frame is
 * {@code type:u8 flags:u8 call_id:varint length:varint payload}; this writer always uses the 4-byte
 * length form so the length can be filled in after the payload is written.
 */
public final class FrameCodec {

    /** Largest payload of any frame other than MESSAGE. */
    public static final int MAX_CONTROL_PAYLOAD = 64 * 1024;

    /** Status details beyond this are dropped so a STATUS always fits {@link #MAX_CONTROL_PAYLOAD}. */
    public static final int MAX_STATUS_DETAILS = 16 * 1024;

    private FrameCodec() {
    }

    /**
     * Writes a frame header with a placeholder length and returns the index to pass to
     * {@link #endFrame} once the payload is written.
     */
    public static int beginFrame(ByteBuf out, FrameType type, int flags, long callId) {
        out.writeByte(type.code());
        out.writeByte(flags);
        Varint.write(out, callId);
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        return lengthIndex;
    }

    /** Back-fills the payload length of a frame begun with {@link #beginFrame}. */
    public static void endFrame(ByteBuf out, int lengthIndex) {
        Varint.setFourBytes(out, lengthIndex, out.writerIndex() - lengthIndex - 4);
    }

    /** Bytes a frame header written by {@link #beginFrame} takes. */
    public static int headerSize(long callId) {
        return 2 + Varint.size(callId) + 4;
    }

    public static void writeCall(ByteBuf out, long callId, int flags, CallHeader header) {
        int at = beginFrame(out, FrameType.CALL, flags, callId);
        writeString(out, header.method());
        Varint.write(out, header.timeoutMicros());
        writeString(out, header.sessionId() == null ? "" : header.sessionId());
        writeMetadata(out, header.metadata());
        endFrame(out, at);
    }

    public static void writeMessage(ByteBuf out, long callId, int flags, byte[] payload) {
        int at = beginFrame(out, FrameType.MESSAGE, flags, callId);
        out.writeBytes(payload);
        endFrame(out, at);
    }

    public static void writeEnd(ByteBuf out, long callId) {
        int at = beginFrame(out, FrameType.END, Frame.FLAG_END, callId);
        endFrame(out, at);
    }

    public static void writeStatus(ByteBuf out, long callId, Status status, Metadata trailers) {
        int at = beginFrame(out, FrameType.STATUS, Frame.FLAG_END, callId);
        Varint.write(out, status.code().value());
        writeString(out, truncate(status.message(), 8 * 1024));
        writeBytes(out, status.details().length <= MAX_STATUS_DETAILS ? status.details() : new byte[0]);
        writeMetadata(out, trailers == null ? Metadata.empty() : trailers);
        endFrame(out, at);
    }

    public static void writeCancel(ByteBuf out, long callId, Status status) {
        int at = beginFrame(out, FrameType.CANCEL, Frame.FLAG_END, callId);
        Varint.write(out, status.code().value());
        writeString(out, truncate(status.message(), 8 * 1024));
        endFrame(out, at);
    }

    public static void writeHello(ByteBuf out, Hello hello) {
        int at = beginFrame(out, FrameType.HELLO, 0, 0);
        Varint.write(out, hello.version());
        Varint.write(out, hello.features());
        Varint.write(out, hello.migrationModes().size());
        for (String mode : hello.migrationModes()) {
            writeString(out, mode);
        }
        Varint.write(out, hello.maxMessageSize());
        Varint.write(out, hello.maxConcurrentCalls());
        endFrame(out, at);
    }

    public static void writePing(ByteBuf out, FrameType pingOrPong, long opaque) {
        int at = beginFrame(out, pingOrPong, 0, 0);
        out.writeLong(opaque);
        endFrame(out, at);
    }

    public static void writeGoAway(ByteBuf out, GoAway goAway) {
        int at = beginFrame(out, FrameType.GOAWAY, 0, 0);
        Varint.write(out, goAway.lastCallId());
        Varint.write(out, goAway.graceMillis());
        writeString(out, goAway.reason());
        endFrame(out, at);
    }

    /** Encodes one frame into a new buffer from {@code alloc}. */
    public static ByteBuf status(ByteBufAllocator alloc, long callId, Status status) {
        ByteBuf out = alloc.buffer(32 + status.message().length());
        writeStatus(out, callId, status, null);
        return out;
    }

    public static CallHeader readCall(ByteBuf in) {
        String method = readString(in);
        long timeout = Varint.read(in);
        String session = readString(in);
        Metadata metadata = readMetadata(in);
        requireConsumed(in, "CALL");
        if (method.isEmpty() || method.indexOf('/') <= 0 || method.indexOf('/') == method.length() - 1) {
            throw new ProtocolException(StatusCode.INVALID_ARGUMENT,
                    "malformed method name '" + method + "': expected Service/method");
        }
        return new CallHeader(method, timeout, session, metadata);
    }

    /** Reads a STATUS payload; trailers are returned through {@code trailersOut} when non-null. */
    public static Status readStatus(ByteBuf in, Metadata trailersOut) {
        StatusCode code = StatusCode.fromValue(Varint.read(in));
        String message = readString(in);
        byte[] details = readBytes(in);
        Metadata trailers = readMetadata(in);
        if (trailersOut != null) {
            trailers.asMap().forEach(trailersOut::put);
        }
        return new Status(code, message, details);
    }

    public static Status readCancel(ByteBuf in) {
        StatusCode code = StatusCode.fromValue(Varint.read(in));
        String message = readString(in);
        return Status.of(code, message);
    }

    public static Hello readHello(ByteBuf in) {
        long version = Varint.read(in);
        long features = Varint.read(in);
        long count = Varint.read(in);
        if (count > 64) {
            throw new ProtocolException(StatusCode.INVALID_ARGUMENT, "too many migration modes: " + count);
        }
        List<String> modes = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            modes.add(readString(in));
        }
        long maxMessage = Varint.read(in);
        long maxCalls = Varint.read(in);
        return new Hello(version, features, modes, maxMessage, maxCalls);
    }

    public static GoAway readGoAway(ByteBuf in) {
        return new GoAway(Varint.read(in), Varint.read(in), readString(in));
    }

    static void writeString(ByteBuf out, String value) {
        int length = ByteBufUtil.utf8Bytes(value);
        Varint.write(out, length);
        ByteBufUtil.reserveAndWriteUtf8(out, value, length);
    }

    static void writeBytes(ByteBuf out, byte[] value) {
        Varint.write(out, value.length);
        out.writeBytes(value);
    }

    static void writeMetadata(ByteBuf out, Metadata metadata) {
        Varint.write(out, metadata.size());
        for (Map.Entry<String, String> e : metadata.asMap().entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    static String readString(ByteBuf in) {
        int length = readLength(in);
        String value = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return value;
    }

    static byte[] readBytes(ByteBuf in) {
        byte[] value = new byte[readLength(in)];
        in.readBytes(value);
        return value;
    }

    static Metadata readMetadata(ByteBuf in) {
        long count = Varint.read(in);
        if (count > 1024) {
            throw new ProtocolException(StatusCode.INVALID_ARGUMENT, "too many metadata entries: " + count);
        }
        Metadata metadata = new Metadata();
        for (int i = 0; i < count; i++) {
            String key = readString(in);
            String value = readString(in);
            try {
                metadata.put(key, value);
            } catch (IllegalArgumentException e) {
                throw new ProtocolException(StatusCode.INVALID_ARGUMENT, e.getMessage());
            }
        }
        return metadata;
    }

    private static int readLength(ByteBuf in) {
        long length = Varint.read(in);
        if (length > in.readableBytes()) {
            throw new ProtocolException(StatusCode.INVALID_ARGUMENT,
                    "field length " + length + " exceeds the " + in.readableBytes() + " bytes left in the frame");
        }
        return (int) length;
    }

    private static void requireConsumed(ByteBuf in, String frame) {
        if (in.isReadable()) {
            throw new ProtocolException(StatusCode.INVALID_ARGUMENT,
                    frame + " frame has " + in.readableBytes() + " trailing bytes");
        }
    }

    private static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
