package io.rpcnet.session;

import java.util.Objects;

/**
 * Where a session went when this worker {@linkplain SessionManager#handOver handed it over}: remembered for
 * a grace period so that a call still routed here is answered MOVED (naming the new owner) rather than
 * SESSION_LOST.
 *
 * @param owner the id of the worker that holds the session now
 * @param epoch the ownership epoch it holds it at
 */
public record MovedTo(String owner, long epoch) {

    public MovedTo {
        Objects.requireNonNull(owner, "owner");
        if (owner.isBlank()) {
            throw new IllegalArgumentException("owner must not be blank");
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
    }
}
