package io.rpcnet.session;

import io.rpcnet.protocol.Metadata;

import java.util.OptionalLong;

/**
 * Stable call ids for replay-safe calls in a session. A client that may send the same unary call twice
 * (a retry after a lost answer) sends the same id in the metadata entry {@value #METADATA_KEY} each time;
 * the worker runs the call once, caches its encoded response in the session (which moves with the session
 * in a migration), and answers a repeat from the cache, marked with the trailer {@value #REPLAYED_TRAILER}.
 */
public final class CallIds {

    /** Metadata entry carrying the call id (decimal, non-negative). */
    public static final String METADATA_KEY = "rpcnet-call-id";
    /** Trailer set to {@code true} on an answer served from the session's response cache. */
    public static final String REPLAYED_TRAILER = "rpcnet-replayed";

    private CallIds() {
    }

    /** The call id in {@code metadata}, if present and well-formed. */
    public static OptionalLong of(Metadata metadata) {
        String v = metadata == null ? null : metadata.get(METADATA_KEY);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            long id = Long.parseLong(v.trim());
            return id < 0 ? OptionalLong.empty() : OptionalLong.of(id);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
