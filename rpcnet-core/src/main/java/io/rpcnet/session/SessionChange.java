package io.rpcnet.session;

import java.util.Objects;

/**
 * One recorded change of a session, at the {@link #version()} it produced. Catch-up during a migration
 * ships these in version order and the target applies them with {@link RpcSession#apply(SessionDelta)}.
 */
public sealed interface SessionChange {

    /** The session version after this change (versions are consecutive, starting at 1). */
    long version();

    /** Attribute {@code name} was set to the encoded {@code value}. */
    record Put(long version, String name, SessionBytes value) implements SessionChange {
        public Put {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Attribute {@code name} was removed. */
    record Remove(long version, String name) implements SessionChange {
        public Remove {
            Objects.requireNonNull(name, "name");
        }
    }

    /** The response of call {@code callId} was cached for replay. */
    record ResponseCached(long version, long callId, SessionBytes response) implements SessionChange {
        public ResponseCached {
            Objects.requireNonNull(response, "response");
        }
    }
}
