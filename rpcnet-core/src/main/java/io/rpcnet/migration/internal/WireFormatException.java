package io.rpcnet.migration.internal;

/**
 * Raised by {@link WireReader} when bytes do not parse; callers turn it into the error that fits their
 * format (state corruption, invalid token).
 */
public final class WireFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message, null, false, false);
    }
}
