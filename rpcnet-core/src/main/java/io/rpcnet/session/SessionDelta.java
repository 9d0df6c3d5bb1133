package io.rpcnet.session;

import java.util.List;

/**
 * The answer to {@link RpcSession#changesSince(long)}: the changes after {@code fromVersion} up to
 * {@code toVersion}, in order; or, when the bounded change log no longer reaches back to
 * {@code fromVersion}, {@code truncated = true} with no changes, meaning a full {@link SessionState} is needed.
 *
 * @param sessionId   the session
 * @param fromVersion the version the receiver has
 * @param toVersion   the session's version when the delta was taken
 * @param truncated   whether the log was cut before {@code fromVersion} (take a snapshot instead)
 * @param changes     the changes with versions {@code fromVersion + 1 .. toVersion}; empty when truncated
 */
public record SessionDelta(String sessionId, long fromVersion, long toVersion, boolean truncated,
                           List<SessionChange> changes) {

    public SessionDelta {
        changes = List.copyOf(changes);
        if (truncated && !changes.isEmpty()) {
            throw new IllegalArgumentException("a truncated delta carries no changes");
        }
        if (!truncated && changes.size() != toVersion - fromVersion) {
            throw new IllegalArgumentException("delta " + fromVersion + ".." + toVersion + " has " + changes.size()
                    + " changes");
        }
    }

    /** Whether there is nothing to ship. */
    public boolean isEmpty() {
        return !truncated && changes.isEmpty();
    }
}
