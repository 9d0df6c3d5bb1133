package io.rpcnet.client;

import io.rpcnet.protocol.Metadata;

import java.time.Duration;
import java.util.Map;

/**
 * Per-call settings: the deadline (how long the caller waits; the server learns it too), metadata to
 * send, and the session the calls belong to.
 *
 * @param timeout   deadline measured from the start of each call; {@code null} = none
 * @param metadata  extra request metadata
 * @param sessionId session the calls belong to, or {@code null}
 */
public record CallOptions(Duration timeout, Map<String, String> metadata, String sessionId) {

    public static final CallOptions DEFAULT = new CallOptions(null, Map.of(), null);

    public CallOptions {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    public CallOptions withTimeout(Duration value) {
        return new CallOptions(value, metadata, sessionId);
    }

    public CallOptions withMetadata(String key, String value) {
        Metadata m = Metadata.of(metadata);
        m.put(key, value);
        return new CallOptions(timeout, m.asMap(), sessionId);
    }

    public CallOptions withSessionId(String value) {
        return new CallOptions(timeout, metadata, value);
    }
}
