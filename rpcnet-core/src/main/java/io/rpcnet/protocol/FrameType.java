package io.rpcnet.protocol;

/** Frame types of protocol version 1; see PROTOCOL.md for each payload. */
public enum FrameType {
    /** Starts a call: method, deadline, session id, metadata. */
    CALL(0x01),
    /** One serialized message of a call. */
    MESSAGE(0x02),
    /** The sender has no more messages for this call (half-close). */
    END(0x03),
    /** Server to client: ends the call with a status. */
    STATUS(0x04),
    /** Client to server: abandon the call (cancelled or deadline passed). */
    CANCEL(0x05),
    /** Control stream: protocol version, features and migration modes; first frame of each side. */
    HELLO(0x10),
    /** Control stream: liveness probe carrying 8 opaque bytes. */
    PING(0x11),
    /** Control stream: answer to PING with the same 8 bytes. */
    PONG(0x12),
    /** Control stream: the server drains; no calls above the given id will be served. */
    GOAWAY(0x13);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a wire code, or {@code null} when this version does not know it. */
    public static FrameType fromCode(int code) {
        return BY_CODE[code & 0xFF];
    }

    /** Frames that belong to the control stream rather than to a call. */
    public boolean isControl() {
        return code >= 0x10;
    }
}
