package io.rpcnet.protocol;

/**
 * The outcome of a call as it travels on the wire. Values 0-16 match gRPC's codes so operators
 * can read them without a table; 32 and up are RpcNet's own, used by session migration.
 */
public enum StatusCode {
    OK(0),
    CANCELLED(1),
    UNKNOWN(2),
    INVALID_ARGUMENT(3),
    DEADLINE_EXCEEDED(4),
    NOT_FOUND(5),
    ALREADY_EXISTS(6),
    PERMISSION_DENIED(7),
    RESOURCE_EXHAUSTED(8),
    FAILED_PRECONDITION(9),
    ABORTED(10),
    OUT_OF_RANGE(11),
    UNIMPLEMENTED(12),
    INTERNAL(13),
    UNAVAILABLE(14),
    DATA_LOSS(15),
    UNAUTHENTICATED(16),
    /** The session now lives on another worker; the sender should re-route and retry. */
    MOVED(32),
    /** The session's state is gone (expired, or lost with its worker); the client must start a new one. */
    SESSION_LOST(33);

    private static final StatusCode[] BY_VALUE = new StatusCode[64];

    static {
        for (StatusCode code : values()) {
            BY_VALUE[code.value] = code;
        }
    }

    private final int value;

    StatusCode(int value) {
        this.value = value;
    }

    /** The number written on the wire. */
    public int value() {
        return value;
    }

    /** The code for a wire value; values this version does not know map to {@link #UNKNOWN}. */
    public static StatusCode fromValue(long value) {
        if (value < 0 || value >= BY_VALUE.length) {
            return UNKNOWN;
        }
        StatusCode code = BY_VALUE[(int) value];
        return code == null ? UNKNOWN : code;
    }
}
