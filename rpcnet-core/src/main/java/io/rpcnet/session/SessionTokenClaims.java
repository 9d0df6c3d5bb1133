package io.rpcnet.session;

import java.time.Instant;
import java.util.Objects;

/**
 * What a verified resume token asserts: session {@code sessionId} is owned by {@code ownerWorkerId} at
 * {@code epoch}, until {@code expiresAt}. Signed with key {@code keyId}.
 */
public record SessionTokenClaims(String keyId, String sessionId, String ownerWorkerId, long epoch,
                                 Instant expiresAt) {

    public SessionTokenClaims {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(ownerWorkerId, "ownerWorkerId");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
