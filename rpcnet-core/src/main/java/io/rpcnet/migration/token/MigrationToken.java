package io.rpcnet.migration.token;

import java.time.Instant;

/**
 * The claims of a migration token and its encoded {@linkplain #value() value}: who may move which session
 * from where to where, until when, signed with which key. Issued by {@link MigrationTokenManager#issue},
 * returned by {@link MigrationTokenManager#verify} once every check has passed.
 *
 * @param keyId       the HMAC key that signed it
 * @param migrationId the migration it authorises
 * @param sessionId   the session to move
 * @param source      the source worker
 * @param target      the target worker
 * @param issuedAt    issue time (millisecond precision)
 * @param expiresAt   expiry (millisecond precision); refused from this instant on
 * @param nonce       128 random bits, base64url; accepted once
 * @param value       the compact URL-safe encoding to send; a bearer credential
 */
public record MigrationToken(String keyId, String migrationId, String sessionId, String source, String target,
                             Instant issuedAt, Instant expiresAt, String nonce, String value) {

    /** Everything but the value, which is a credential and stays out of logs. */
    @Override
    public String toString() {
        return "MigrationToken[keyId=" + keyId + ", migration=" + migrationId + ", session=" + sessionId
                + ", source=" + source + ", target=" + target + ", issuedAt=" + issuedAt + ", expiresAt="
                + expiresAt + "]";
    }
}
