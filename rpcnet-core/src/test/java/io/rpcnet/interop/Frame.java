package io.rpcnet.interop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One frame as the server sent it to the interop client, and its payload decoded as PROTOCOL.md §3-§4
 * describe, written from the spec alone like {@link SpecEncoder}: anything that does not decode exactly
 * fails {@link KwikInteropTest}.
 */
final class Frame {

    final int type;
    final int flags;
    final long callId;
    final byte[] payload;

    Frame(int type, int flags, long callId, byte[] payload) {
        this.type = type;
        this.flags = flags;
        this.callId = callId;
        this.payload = payload;
    }

    Cursor cursor() {
        return new Cursor(payload);
    }

    Status status() {
        assertThat(type).as("expected a STATUS frame, got %s", this).isEqualTo(0x04);
        assertThat(flags & 0x01).as("STATUS carries the END flag").isEqualTo(0x01);
        Cursor c = cursor();
        long code = c.varint();
        String message = c.string();
        byte[] details = c.bytes();
        long n = c.varint();
        Map<String, String> trailers = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
            trailers.put(c.string(), c.string());
        }
        assertThat(c.remaining()).as("bytes after the STATUS fields").isZero();
        return new Status(callId, code, message, details, trailers);
    }

    @Override
    public String toString() {
        return String.format("frame(type=0x%02x, flags=0x%02x, call=%d, payload=%s)", type, flags, callId,
                HexFormat.of().formatHex(payload));
    }

    /** A decoded STATUS frame. */
    record Status(long callId, long code, String message, byte[] details, Map<String, String> trailers) {
    }

    /** Reads the fields of a payload in order: varints, length-prefixed bytes and strings. */
    static final class Cursor {

        private final ByteBuffer buf;

        Cursor(byte[] bytes) {
            buf = ByteBuffer.wrap(bytes);
        }

        long varint() {
            int first = buf.get() & 0xFF;
            int length = 1 << (first >>> 6);
            long value = first & 0x3F;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (buf.get() & 0xFF);
            }
            return value;
        }

        byte[] bytes() {
            long n = varint();
            assertThat(n).as("field length").isLessThanOrEqualTo(buf.remaining());
            byte[] out = new byte[(int) n];
            buf.get(out);
            return out;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        int remaining() {
            return buf.remaining();
        }
    }
}
