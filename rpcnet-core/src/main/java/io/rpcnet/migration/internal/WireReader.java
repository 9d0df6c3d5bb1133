package io.rpcnet.migration.internal;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Reads what {@link WireWriter} wrote, with bounds checks on every field: a truncated or malformed frame
 * raises {@link WireFormatException}, never an index exception or an oversized allocation.
 */
public final class WireReader {

    private final byte[] buf;
    private final int limit;
    private int pos;

    public WireReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public WireReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.limit = off + len;
    }

    public int remaining() {
        return limit - pos;
    }

    public int position() {
        return pos;
    }

    private void need(int n, String what) {
        if (n < 0 || limit - pos < n) {
            throw new WireFormatException("truncated " + what + ": need " + n + " bytes, " + (limit - pos)
                    + " left");
        }
    }

    public int readByte(String what) {
        need(1, what);
        return buf[pos++] & 0xFF;
    }

    public int readInt(String what) {
        need(4, what);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long readVarLong(String what) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte(what);
            if (shift == 63 && (b & 0x7E) != 0) {
                throw new WireFormatException(what + " overflows 64 bits");
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (b == 0 && shift > 0) {
                    throw new WireFormatException(what + " is not minimally encoded");
                }
                return result;
            }
        }
        throw new WireFormatException(what + " is longer than 10 bytes");
    }

    /** A varint that must lie in {@code [0, max]}. */
    public int readVarInt(String what, int max) {
        long v = readVarLong(what);
        if (v < 0 || v > max) {
            throw new WireFormatException(what + " is " + Long.toUnsignedString(v) + ", at most " + max
                    + " allowed");
        }
        return (int) v;
    }

    public byte[] readBytes(int n, String what) {
        need(n, what);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** The next {@code n} bytes as a read-only view of the buffer, without copying them. */
    public ByteBuffer readView(int n, String what) {
        need(n, what);
        ByteBuffer view = ByteBuffer.wrap(buf, pos, n).slice().asReadOnlyBuffer();
        pos += n;
        return view;
    }

    /** A varint length (at most {@code maxLength}) followed by that many bytes. */
    public byte[] readLengthPrefixed(String what, int maxLength) {
        int n = readVarInt(what + " length", maxLength);
        return readBytes(n, what);
    }

    /** A varint length (at most {@code maxBytes}) followed by strictly valid UTF-8. */
    public String readString(String what, int maxBytes) {
        return decodeUtf8(readLengthPrefixed(what, maxBytes), what);
    }

    /** Strict UTF-8 decoding: malformed input is a format error, not a replacement character. */
    public static String decodeUtf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new WireFormatException(what + " is not valid UTF-8");
        }
    }

    /** Fails unless every byte was consumed. */
    public void requireEnd(String what) {
        if (pos != limit) {
            throw new WireFormatException(what + " has " + (limit - pos) + " unexpected trailing bytes");
        }
    }
}
