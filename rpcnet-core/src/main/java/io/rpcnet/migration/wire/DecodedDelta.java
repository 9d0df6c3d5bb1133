package io.rpcnet.migration.wire;

import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.session.SessionDelta;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What {@link DeltaCodec#decode} read: the session's changes and, when the sender included it (the final
 * delta of a migration), the application state of its {@code MigrationStateHandler}s. A record of its own so
 * that "no application state" ({@code null}) stays distinct from "none of the handlers had any" (empty).
 *
 * @param delta            the changes, ready for {@code RpcSession.apply}
 * @param applicationState state by handler name (sorted, unmodifiable), or {@code null} when not included
 */
public record DecodedDelta(SessionDelta delta, SortedMap<String, Bytes> applicationState) {

    public DecodedDelta {
        Objects.requireNonNull(delta, "delta");
        if (applicationState != null) {
            applicationState = Collections.unmodifiableSortedMap(new TreeMap<>(applicationState));
            applicationState.values().forEach(v -> Objects.requireNonNull(v, "application state"));
        }
    }

    /** Whether the sender included application state (possibly empty). */
    public boolean hasApplicationState() {
        return applicationState != null;
    }

    /** The application state, or an empty map when it was not included. */
    public Map<String, Bytes> applicationStateOrEmpty() {
        return applicationState == null ? Map.of() : applicationState;
    }
}
