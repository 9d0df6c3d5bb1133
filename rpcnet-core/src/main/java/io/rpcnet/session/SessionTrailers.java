package io.rpcnet.session;

import io.rpcnet.protocol.Metadata;

import java.util.Optional;

/**
 * The STATUS trailers with which a worker announces a session opened by the call ({@code PROTOCOL.md},
 * "Session trailers"): {@value #SESSION_ID}, {@value #SESSION_OWNER} (the worker id) and
 * {@value #SESSION_EPOCH} (decimal). A director records the route from them; a client reads the id with
 * {@link #sessionId(Metadata)} (for example from {@code ClientCallInfo.trailers()} in a close listener)
 * and sends it with later calls ({@code CallOptions.withSessionId}).
 */
public final class SessionTrailers {

    /** Trailer carrying the id of the session the call opened. */
    public static final String SESSION_ID = "rpcnet-session-id";
    /** Trailer carrying the id of the worker that holds it. */
    public static final String SESSION_OWNER = "rpcnet-session-owner";
    /** Trailer carrying the session's ownership epoch (decimal). */
    public static final String SESSION_EPOCH = "rpcnet-session-epoch";

    private SessionTrailers() {
    }

    /** Adds the announcement of {@code session} to {@code trailers}; returns them. */
    public static Metadata announce(Metadata trailers, RpcSession session) {
        return trailers.put(SESSION_ID, session.id())
                .put(SESSION_OWNER, session.ownerWorkerId())
                .put(SESSION_EPOCH, Long.toString(session.epoch()));
    }

    /** The id of the session announced in {@code trailers}, if any. */
    public static Optional<String> sessionId(Metadata trailers) {
        String id = trailers == null ? null : trailers.get(SESSION_ID);
        return id == null || id.isBlank() ? Optional.empty() : Optional.of(id);
    }

    /** The epoch announced in {@code trailers}, or {@code defaultEpoch} when absent or malformed. */
    public static long epoch(Metadata trailers, long defaultEpoch) {
        String epoch = trailers == null ? null : trailers.get(SESSION_EPOCH);
        if (epoch == null) {
            return defaultEpoch;
        }
        try {
            long e = Long.parseLong(epoch.trim());
            return e < 0 ? defaultEpoch : e;
        } catch (NumberFormatException malformed) {
            return defaultEpoch;
        }
    }
}
