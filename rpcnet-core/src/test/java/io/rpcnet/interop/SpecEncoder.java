package io.rpcnet.interop;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The interop client's frame encoding, written from PROTOCOL.md §2-§4 alone (nothing from
 * io.rpcnet.protocol), so that a server drifting from the written spec fails {@link KwikInteropTest}.
 */
final class SpecEncoder {

    private SpecEncoder() {
    }

    static byte[] varint(long value) {
        if (value < 0x40) {
            return new byte[] {(byte) value};
        }
        if (value < 0x4000) {
            return new byte[] {(byte) (0x40 | value >>> 8), (byte) value};
        }
        if (value < 0x4000_0000L) {
            return ByteBuffer.allocate(4).putInt((int) (value | 0x8000_0000L)).array();
        }
        return ByteBuffer.allocate(8).putLong(value | 0xC000_0000_0000_0000L).array();
    }

    static byte[] frame(int type, int flags, long callId, byte[] payload) {
        return frame(type, flags, varint(callId), payload);
    }

    static byte[] frame(int type, int flags, byte[] encodedCallId, byte[] payload) {
        return concat(new byte[] {(byte) type, (byte) flags}, encodedCallId, varint(payload.length), payload);
    }

    static byte[] string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return concat(varint(utf8.length), utf8);
    }

    static byte[] call(String method, long timeoutMicros, String session, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(string(method));
        out.writeBytes(varint(timeoutMicros));
        out.writeBytes(string(session));
        out.writeBytes(varint(metadata.size()));
        new LinkedHashMap<>(metadata).forEach((k, v) -> {
            out.writeBytes(string(k));
            out.writeBytes(string(v));
        });
        return out.toByteArray();
    }

    static byte[] hello(List<String> modes, long maxMessageSize, long maxConcurrentCalls) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(varint(1));
        out.writeBytes(varint(0));
        out.writeBytes(varint(modes.size()));
        modes.forEach(m -> out.writeBytes(string(m)));
        out.writeBytes(varint(maxMessageSize));
        out.writeBytes(varint(maxConcurrentCalls));
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
