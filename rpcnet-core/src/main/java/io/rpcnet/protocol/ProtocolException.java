package io.rpcnet.protocol;

/** A frame or payload that breaks the protocol; carries the status code the peer is answered with. */
public final class ProtocolException extends RuntimeException {

    private final StatusCode code;

    public ProtocolException(StatusCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public StatusCode code() {
        return code;
    }

    public Status toStatus() {
        return Status.of(code, getMessage());
    }
}
