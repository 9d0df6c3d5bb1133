package io.rpcnet.session;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Signed session resume tokens: {@code st1.<payload>.<mac>} (base64url), where the payload carries key id,
 * session id, owner worker, epoch and expiry and the MAC is HMAC-SHA256 over the payload. Any node holding
 * the key verifies a token without a lookup; a stale owner is fenced by comparing the token's epoch with
 * the current one ({@link #verify(String, long)}). Keys rotate: sign with the active key id, verify with any
 * key still configured. Thread-safe.
 */
public final class SessionTokens {

    private static final String PREFIX = "st1";
    private static final int MIN_KEY_BYTES = 32;
    private static final int MAX_FIELD_CHARS = 256;
    private static final int MAX_TOKEN_CHARS = 4096;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Map<String, SecretKeySpec> keys;
    private final String activeKeyId;
    private final Clock clock;

    private SessionTokens(Builder b) {
        this.keys = Map.copyOf(b.keys);
        this.activeKeyId = b.activeKeyId;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The key id new tokens are signed with. */
    public String activeKeyId() {
        return activeKeyId;
    }

    /** A token for {@code session} at its current owner and epoch, valid for {@code ttl}. */
    public String issue(RpcSession session, Duration ttl) {
        return issue(session.id(), session.ownerWorkerId(), session.epoch(), ttl);
    }

    /** A token asserting that {@code ownerWorkerId} holds {@code sessionId} at {@code epoch}, valid for {@code ttl}. */
    public String issue(String sessionId, String ownerWorkerId, long epoch, Duration ttl) {
        checkField("sessionId", sessionId);
        checkField("ownerWorkerId", ownerWorkerId);
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        Instant expiresAt = clock.instant().plus(ttl);
        byte[] payload = encode(new SessionTokenClaims(activeKeyId, sessionId, ownerWorkerId, epoch, expiresAt));
        byte[] mac = mac(keys.get(activeKeyId), payload);
        return PREFIX + "." + ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac);
    }

    /** Checks structure, signature and expiry; returns the claims. Throws {@link SessionTokenException}. */
    public SessionTokenClaims verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_CHARS) {
            throw new SessionTokenException(SessionTokenException.Code.MALFORMED, "missing or oversized token");
        }
        int dot1 = token.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
        if (dot1 < 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0 || !PREFIX.equals(token.substring(0, dot1))) {
            throw new SessionTokenException(SessionTokenException.Code.MALFORMED, "not a session token");
        }
        byte[] payload = decode(token.substring(dot1 + 1, dot2));
        byte[] mac = decode(token.substring(dot2 + 1));
        String keyId = readKeyId(payload);
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new SessionTokenException(SessionTokenException.Code.UNKNOWN_KEY,
                    "token signed with unknown key id '" + keyId + "'");
        }
        if (!MessageDigest.isEqual(mac, mac(key, payload))) { // constant time
            throw new SessionTokenException(SessionTokenException.Code.BAD_SIGNATURE, "token signature does not match");
        }
        SessionTokenClaims claims = decodeClaims(payload);
        if (!clock.instant().isBefore(claims.expiresAt())) {
            throw new SessionTokenException(SessionTokenException.Code.EXPIRED, "token of session "
                    + claims.sessionId() + " expired at " + claims.expiresAt());
        }
        return claims;
    }

    /** Like {@link #verify(String)}, and the token's epoch must equal {@code currentEpoch}. */
    public SessionTokenClaims verify(String token, long currentEpoch) {
        SessionTokenClaims claims = verify(token);
        if (claims.epoch() < currentEpoch) {
            throw new SessionTokenException(SessionTokenException.Code.STALE_EPOCH, "token of session "
                    + claims.sessionId() + " is for epoch " + claims.epoch() + ", current epoch is " + currentEpoch);
        }
        if (claims.epoch() > currentEpoch) {
            throw new SessionTokenException(SessionTokenException.Code.FUTURE_EPOCH, "token of session "
                    + claims.sessionId() + " is for epoch " + claims.epoch() + ", ahead of the known epoch "
                    + currentEpoch);
        }
        return claims;
    }

    private static byte[] encode(SessionTokenClaims c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(c.keyId());
            out.writeUTF(c.sessionId());
            out.writeUTF(c.ownerWorkerId());
            out.writeLong(c.epoch());
            out.writeLong(c.expiresAt().toEpochMilli());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String readKeyId(byte[] payload) {
        try {
            String keyId = new DataInputStream(new ByteArrayInputStream(payload)).readUTF();
            if (keyId.isEmpty()) {
                throw new IOException("empty key id");
            }
            return keyId;
        } catch (IOException e) {
            throw new SessionTokenException(SessionTokenException.Code.MALFORMED, "unreadable token payload");
        }
    }

    private static SessionTokenClaims decodeClaims(byte[] payload) {
        ByteArrayInputStream bytes = new ByteArrayInputStream(payload);
        try (DataInputStream in = new DataInputStream(bytes)) {
            SessionTokenClaims c = new SessionTokenClaims(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(),
                    Instant.ofEpochMilli(in.readLong()));
            if (bytes.available() != 0) {
                throw new IOException("trailing bytes");
            }
            return c;
        } catch (IOException | RuntimeException e) {
            throw new SessionTokenException(SessionTokenException.Code.MALFORMED, "unreadable token payload");
        }
    }

    /** Strict base64url: the text must be the canonical encoding of what it decodes to. */
    private static byte[] decode(String text) {
        try {
            byte[] bytes = DECODER.decode(text);
            if (bytes.length == 0 || !ENCODER.encodeToString(bytes).equals(text)) {
                throw new IllegalArgumentException("not canonical");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new SessionTokenException(SessionTokenException.Code.MALFORMED, "token is not valid base64url");
        }
    }

    private static byte[] mac(SecretKeySpec key, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static void checkField(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.length() > MAX_FIELD_CHARS) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_FIELD_CHARS + " characters");
        }
    }

    /** Keys (id → secret of at least 32 bytes), the active key id, and the clock. */
    public static final class Builder {
        private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        private String activeKeyId;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Adds a key; the first one added is active unless {@link #activeKey} says otherwise. */
        public Builder key(String keyId, byte[] secret) {
            checkField("keyId", keyId);
            if (secret.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("key '" + keyId + "' has " + secret.length + " bytes, at least "
                        + MIN_KEY_BYTES + " required");
            }
            keys.put(keyId, new SecretKeySpec(secret.clone(), "HmacSHA256"));
            if (activeKeyId == null) {
                activeKeyId = keyId;
            }
            return this;
        }

        /** Signs new tokens with {@code keyId} (which must have been added). */
        public Builder activeKey(String keyId) {
            this.activeKeyId = keyId;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public SessionTokens build() {
            if (activeKeyId == null || !keys.containsKey(activeKeyId)) {
                throw new IllegalStateException("no key for the active key id '" + activeKeyId
                        + "': add it with key(...)");
            }
            return new SessionTokens(this);
        }
    }
}
