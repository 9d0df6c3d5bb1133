package io.rpcnet.protocol;

/**
 * Thrown by clients when a call ends with a non-OK status, and by handlers to end a call with a chosen
 * status. On the wire only the status travels: code, message and details, never a stack trace.
 */
public class RpcException extends RuntimeException {

    private final Status status;

    public RpcException(Status status) {
        this(status, null);
    }

    public RpcException(Status status, Throwable cause) {
        super(status.toString(), cause, true, cause != null);
        this.status = status;
    }

    public RpcException(StatusCode code, String message) {
        this(Status.of(code, message));
    }

    public Status status() {
        return status;
    }

    /** True when the call certainly did not run on the server (see {@link Status#wasNotProcessed()}). */
    public boolean wasNotProcessed() {
        return status.wasNotProcessed();
    }

    public StatusCode code() {
        return status.code();
    }
}
