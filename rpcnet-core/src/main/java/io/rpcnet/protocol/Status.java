package io.rpcnet.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * A call's outcome: a code, a human-readable message and optional opaque details. Errors travel as a
 * status, never as data, so every language can map them without knowing the service.
 */
public record Status(StatusCode code, String message, byte[] details) {

    public static final Status OK = new Status(StatusCode.OK, "", new byte[0]);

    /**
     * Details marking a failure that happened before the server started the call (refused while draining or
     * over its limit, or never sent at all): the call may be retried elsewhere even if it is not idempotent.
     */
    private static final byte[] NOT_PROCESSED = "rpcnet:not-processed".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    public Status {
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
        details = details == null ? new byte[0] : details;
    }

    public static Status of(StatusCode code, String message) {
        return new Status(code, message, null);
    }

    /**
     * The status a failure travels as: an {@link RpcException} keeps its own; anything else becomes INTERNAL
     * with the exception's type and message (never its stack trace). Wrappers such as
     * {@code InvocationTargetException} and {@code CompletionException} are looked through.
     */
    public static Status fromThrowable(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.lang.reflect.InvocationTargetException
                || t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.lang.reflect.UndeclaredThrowableException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RpcException e) {
            return e.status();
        }
        if (t instanceof java.util.concurrent.CancellationException) {
            return of(StatusCode.CANCELLED, "cancelled");
        }
        String message = t.getMessage();
        return of(StatusCode.INTERNAL, t.getClass().getSimpleName() + (message == null ? "" : ": " + message));
    }

    /** A failure that the server never processed (see {@link #wasNotProcessed()}). */
    public static Status notProcessed(StatusCode code, String message) {
        return new Status(code, message, NOT_PROCESSED.clone());
    }

    /** True when the call certainly did not run on the server, so retrying it elsewhere is safe. */
    public boolean wasNotProcessed() {
        return Arrays.equals(details, NOT_PROCESSED);
    }

    public boolean isOk() {
        return code == StatusCode.OK;
    }

    /** This status as an exception, for APIs that throw. */
    public RpcException asException() {
        return new RpcException(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Status other && code == other.code && message.equals(other.message)
                && Arrays.equals(details, other.details);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(code, message) + Arrays.hashCode(details);
    }

    @Override
    public String toString() {
        return message.isEmpty() ? code.name() : code + ": " + message;
    }
}
