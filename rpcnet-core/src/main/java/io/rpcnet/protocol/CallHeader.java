package io.rpcnet.protocol;

import java.util.Objects;

/**
 * The CALL frame's payload: which method, how long the caller will wait, which session the call
 * belongs to, and its metadata.
 *
 * @param method        {@code Service/method}
 * @param timeoutMicros the caller's remaining time in microseconds when the frame was sent; 0 = none
 * @param sessionId     the session the call belongs to, or {@code null}
 * @param metadata      request metadata
 */
public record CallHeader(String method, long timeoutMicros, String sessionId, Metadata metadata) {

    public CallHeader {
        Objects.requireNonNull(method, "method");
        if (timeoutMicros < 0) {
            throw new IllegalArgumentException("timeoutMicros must be >= 0");
        }
        sessionId = sessionId == null || sessionId.isEmpty() ? null : sessionId;
        metadata = metadata == null ? Metadata.empty() : metadata;
    }

    /** The service part of {@code Service/method}. */
    public String serviceName() {
        int slash = method.indexOf('/');
        return slash < 0 ? method : method.substring(0, slash);
    }
}
