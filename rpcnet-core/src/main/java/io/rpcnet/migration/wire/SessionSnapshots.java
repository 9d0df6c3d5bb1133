package io.rpcnet.migration.wire;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import io.rpcnet.migration.snapshot.StateHandlers;
import io.rpcnet.session.SessionBytes;
import io.rpcnet.session.SessionState;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The bridge between the session layer's {@link SessionState} and the migration's {@link SessionSnapshot}:
 * the source captures a snapshot of a session it holds, the target turns the snapshot it received back into
 * state it can stage ({@code SessionManager.detached}) or import. Exists because the session package knows
 * nothing of migrations.
 *
 * <p>Attributes map to snapshot attributes, cached responses to buffered data keyed by call id, and the
 * application state comes from the {@link StateHandlers}. Each value is copied once on the way across:
 * {@link SessionBytes} never lends out its array, since a shared array would let anyone change a live
 * session behind its version. The response cache's order does not travel (buffered data is sorted by call
 * id), so the target evicts its cached responses in call-id order.
 */
public final class SessionSnapshots {

    private SessionSnapshots() {
    }

    /**
     * A snapshot of {@code state} with the application state every handler holds for the session.
     *
     * @throws MigrationException {@link MigrationError#SOURCE_UNAVAILABLE} when the session cannot be captured:
     *                            a handler fails, or the state breaks a snapshot rule (an attribute name over
     *                            {@value SessionSnapshot#MAX_ATTRIBUTE_NAME_BYTES} UTF-8 bytes, a negative
     *                            call id, an unusable session id)
     */
    public static SessionSnapshot capture(SessionState state, StateHandlers handlers, Instant capturedAt) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(handlers, "handlers");
        Objects.requireNonNull(capturedAt, "capturedAt");
        SessionSnapshot.Builder snapshot;
        try {
            snapshot = SessionSnapshot.builder(state.sessionId()).capturedAt(capturedAt).version(state.version());
            state.attributes().forEach((name, value) -> snapshot.attribute(name, toBytes(value)));
            state.cachedResponses().forEach((callId, response) -> snapshot.bufferedData(callId, toBytes(response)));
        } catch (IllegalArgumentException e) {
            throw new MigrationException(MigrationError.SOURCE_UNAVAILABLE, "session '" + state.sessionId()
                    + "' cannot be captured: " + e.getMessage(), e);
        }
        return handlers.captureInto(state.sessionId(), snapshot).build();
    }

    /**
     * The session state in {@code snapshot}, owned by {@code ownerWorkerId} at {@code epoch}. The application
     * state stays in the snapshot: restore it with {@link StateHandlers#restore}.
     */
    public static SessionState toState(SessionSnapshot snapshot, String ownerWorkerId, long epoch) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(ownerWorkerId, "ownerWorkerId");
        Map<String, SessionBytes> attributes = new LinkedHashMap<>();
        snapshot.attributes().forEach((name, value) -> attributes.put(name, toSessionBytes(value)));
        Map<Long, SessionBytes> responses = new LinkedHashMap<>();
        snapshot.bufferedData().forEach((callId, data) -> responses.put(callId, toSessionBytes(data)));
        return new SessionState(snapshot.sessionId(), ownerWorkerId, epoch, snapshot.version(), attributes,
                responses);
    }

    /** {@code value} as snapshot bytes (one copy). */
    static Bytes toBytes(SessionBytes value) {
        return value.size() == 0 ? Bytes.empty() : Bytes.unsafeWrap(value.toByteArray());
    }

    /** {@code value} as session bytes (one copy). */
    static SessionBytes toSessionBytes(Bytes value) {
        return value.isEmpty() ? SessionBytes.empty() : SessionBytes.copyOf(value.asReadOnlyByteBuffer());
    }
}
