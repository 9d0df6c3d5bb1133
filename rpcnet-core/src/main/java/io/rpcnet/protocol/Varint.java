package io.rpcnet.protocol;

import io.netty.buffer.ByteBuf;

/**
 * QUIC variable-length integers (RFC 9000 section 16): the two high bits of the first byte give the length
 * (1, 2, 4 or 8 bytes), the rest is the value in network byte order. Non-minimal encodings are valid.
 */
public final class Varint {

    /** Largest value a varint can carry (2^62 - 1). */
    public static final long MAX_VALUE = (1L << 62) - 1;

    /** Returned by {@link #peekLength} and {@link #read} when not enough bytes are readable yet. */
    public static final long INCOMPLETE = -1;

    private Varint() {
    }

    /** Bytes the minimal encoding of {@code value} takes. */
    public static int size(long value) {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("varint out of range: " + value);
        }
        if (value < (1 << 6)) {
            return 1;
        }
        if (value < (1 << 14)) {
            return 2;
        }
        if (value < (1 << 30)) {
            return 4;
        }
        return 8;
    }

    public static void write(ByteBuf out, long value) {
        switch (size(value)) {
            case 1 -> out.writeByte((int) value);
            case 2 -> out.writeShort((int) value | 0x4000);
            case 4 -> out.writeInt((int) value | 0x8000_0000);
            default -> out.writeLong(value | 0xC000_0000_0000_0000L);
        }
    }

    /** Writes {@code value} in the 4-byte form at {@code index} (used to back-fill lengths). */
    public static void setFourBytes(ByteBuf out, int index, int value) {
        if (value < 0 || value >= (1 << 30)) {
            throw new IllegalArgumentException("value does not fit a 4-byte varint: " + value);
        }
        out.setInt(index, value | 0x8000_0000);
    }

    /** Encoded length of the varint starting at {@code index}, judging by its first byte. */
    public static int encodedLength(ByteBuf in, int index) {
        return 1 << ((in.getByte(index) & 0xC0) >>> 6);
    }

    /**
     * Reads a varint at {@code index} without moving the reader index; returns {@link #INCOMPLETE} if
     * the buffer ends before it does.
     */
    public static long get(ByteBuf in, int index) {
        if (index >= in.writerIndex()) {
            return INCOMPLETE;
        }
        int length = encodedLength(in, index);
        if (index + length > in.writerIndex()) {
            return INCOMPLETE;
        }
        return switch (length) {
            case 1 -> in.getByte(index) & 0x3F;
            case 2 -> in.getShort(index) & 0x3FFF;
            case 4 -> in.getInt(index) & 0x3FFF_FFFFL;
            default -> in.getLong(index) & 0x3FFF_FFFF_FFFF_FFFFL;
        };
    }

    /** Reads a varint and advances the reader index; fails if the buffer ends first. */
    public static long read(ByteBuf in) {
        long value = get(in, in.readerIndex());
        if (value == INCOMPLETE) {
            throw new ProtocolException(StatusCode.INVALID_ARGUMENT, "truncated varint");
        }
        in.skipBytes(encodedLength(in, in.readerIndex()));
        return value;
    }
}
