package io.rpcnet.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A session's whole state as plain data, consistent at {@code version}: what a worker exports for a
 * migration's base copy and what the target imports ({@link SessionManager#importState}). The migration
 * package maps it to its snapshot model; this package does not depend on it.
 *
 * @param sessionId       the session id
 * @param ownerWorkerId   the worker that owned it when exported
 * @param epoch           the ownership epoch (bumped on every move; fences stale owners)
 * @param version         the version of the attributes and response cache
 * @param attributes      encoded attribute values by name (sorted, unmodifiable)
 * @param cachedResponses cached responses by call id, oldest first (unmodifiable)
 */
public record SessionState(String sessionId, String ownerWorkerId, long epoch, long version,
                           Map<String, SessionBytes> attributes, Map<Long, SessionBytes> cachedResponses) {

    public SessionState {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(ownerWorkerId, "ownerWorkerId");
        if (epoch < 0 || version < 0) {
            throw new IllegalArgumentException("epoch and version must be >= 0, got " + epoch + " / " + version);
        }
        attributes = Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
        cachedResponses = Collections.unmodifiableMap(new LinkedHashMap<>(cachedResponses));
        attributes.values().forEach(v -> Objects.requireNonNull(v, "attribute value"));
        cachedResponses.values().forEach(v -> Objects.requireNonNull(v, "cached response"));
    }

    /** This state with another epoch (the migration bumps it at cut-over). */
    public SessionState withEpoch(long newEpoch) {
        return new SessionState(sessionId, ownerWorkerId, newEpoch, version, attributes, cachedResponses);
    }

    /** Total bytes of all values. */
    public long stateBytes() {
        long n = 0;
        for (SessionBytes b : attributes.values()) {
            n += b.size();
        }
        for (SessionBytes b : cachedResponses.values()) {
            n += b.size();
        }
        return n;
    }

    /** Identity and sizes only, never content. */
    @Override
    public String toString() {
        return "SessionState[session=" + sessionId + ", owner=" + ownerWorkerId + ", epoch=" + epoch + ", version="
                + version + ", attributes=" + attributes.size() + ", cachedResponses=" + cachedResponses.size() + "]";
    }
}
