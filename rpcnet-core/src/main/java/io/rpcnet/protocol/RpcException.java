package io.rpcnet.protocol;

/**
 * Thrown by clients when a call ends with a non-OK status, and by handlers to end a call with a chosen
 * status. On the wire only the status travels: code, message and details, never a stack trace. On the
 * client, {@link #trailers()} are the trailers that came with the failed STATUS (empty if none).
 */
public class RpcException extends RuntimeException {

    private final Status status;
    private final Metadata trailers;

    public RpcException(Status status) {
        this(status, (Throwable) null);
    }

    public RpcException(Status status, Throwable cause) {
        super(status.toString(), cause, true, cause != null);
        this.status = status;
        this.trailers = Metadata.empty();
    }

    /** A failed call as the client received it: its status and the trailers sent with it (null: none). */
    public RpcException(Status status, Metadata trailers) {
        super(status.toString(), null, true, false);
        this.status = status;
        this.trailers = trailers == null || trailers.isEmpty() ? Metadata.empty() : trailers.copy().unmodifiable();
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

    /** The trailers of the failed call's STATUS as the client received them (read-only, empty if none). */
    public Metadata trailers() {
        return trailers;
    }
}
