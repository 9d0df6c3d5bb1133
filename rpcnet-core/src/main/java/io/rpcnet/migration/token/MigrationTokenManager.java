package io.rpcnet.migration.token;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.MigrationRequest;
import io.rpcnet.migration.crypto.KeyRing;
import io.rpcnet.migration.crypto.MigrationKey;
import io.rpcnet.migration.internal.Ids;
import io.rpcnet.migration.internal.WireFormatException;
import io.rpcnet.migration.internal.WireReader;
import io.rpcnet.migration.internal.WireWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * Issues and verifies migration tokens.
 *
 * <p><b>Token</b>: base64url (no padding) of
 * <pre>
 * version 0x01 | u8 length + key id | varint length + UTF-8 migration id, session id, source, target
 *   | varint issuedAt (epoch ms) | varint ttl (ms) | nonce (16 random bytes) | HMAC-SHA256 (32 bytes)
 * </pre>
 * The MAC covers a fixed domain label followed by every byte before it, under the key named by the key
 * id, taken from a {@link KeyRing} (so keys rotate with a grace period). About 130 characters for typical
 * ids.
 *
 * <p><b>Verification</b>, in order, each with its own error: format, known key, signature (compared in
 * constant time) and sane times → {@link MigrationError#INVALID_TOKEN}; the expected migration, session,
 * source and target → {@code INVALID_TOKEN}; expiry → {@link MigrationError#TOKEN_EXPIRED}; nonce seen before
 * → {@link MigrationError#REPLAYED}; the source's rate limit → {@link MigrationError#RATE_LIMITED}. Only a
 * token that passes everything consumes its nonce and a permit, so forged or expired tokens cannot exhaust
 * a real source's budget, and a rate-limited token may be retried until it expires. Thread-safe.
 */
public final class MigrationTokenManager {

    /** Longest encoded token accepted; longer input is refused before decoding. */
    public static final int MAX_TOKEN_CHARS = 4096;
    private static final int VERSION = 1;
    private static final int NONCE_BYTES = 16;
    private static final int MAC_BYTES = 32;
    private static final int MAX_FIELD_BYTES = 1024;
    private static final byte[] DOMAIN = "rpcnet/migration-token/v1\0".getBytes(StandardCharsets.US_ASCII);

    private final KeyRing keyRing;
    private final TokenConfig config;
    private final Clock clock;
    private final SecureRandom random;
    private final TokenBucketRateLimiter rateLimiter;
    private final ReplayGuard replayGuard;

    /**
     * @param keyRing HMAC keys; the active one signs
     * @param config  lifetimes and limits
     * @param clock   time for issuing, expiry and rate limiting
     * @param random  source of nonces
     */
    public MigrationTokenManager(KeyRing keyRing, TokenConfig config, Clock clock, SecureRandom random) {
        this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.rateLimiter = new TokenBucketRateLimiter(config.ratePerSecond(), config.burst(),
                config.maxTrackedSources(), clock);
        this.replayGuard = new ReplayGuard(config.replayCapacity());
    }

    public KeyRing keyRing() {
        return keyRing;
    }

    public TokenConfig config() {
        return config;
    }

    /** A token for {@code request}, valid for the configured ttl. */
    public MigrationToken issue(MigrationRequest request) {
        return issue(request.migrationId(), request.sessionId(), request.sourceWorker(), request.targetWorker(),
                config.ttl());
    }

    /** A token for the given migration, valid for {@code ttl} (at most the configured maximum). */
    public MigrationToken issue(String migrationId, String sessionId, String source, String target, Duration ttl) {
        Ids.require("migrationId", migrationId);
        Ids.require("sessionId", sessionId);
        Ids.require("source", source);
        Ids.require("target", target);
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(config.maxTtl()) > 0) {
            throw new IllegalArgumentException("ttl must be positive and at most " + config.maxTtl() + ", got " + ttl);
        }
        MigrationKey key = keyRing.active();
        long issuedAt = clock.millis();
        long ttlMillis = ttl.toMillis();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        WireWriter w = new WireWriter(160).writeByte(VERSION);
        byte[] keyId = key.id().getBytes(StandardCharsets.US_ASCII);
        w.writeByte(keyId.length).writeBytes(keyId);
        w.writeString(migrationId).writeString(sessionId).writeString(source).writeString(target);
        w.writeVarLong(issuedAt).writeVarLong(ttlMillis).writeBytes(nonce);
        byte[] body = w.toByteArray();
        w.writeBytes(mac(key, body, body.length));
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(w.toByteArray());
        return new MigrationToken(key.id(), migrationId, sessionId, source, target, Instant.ofEpochMilli(issuedAt),
                Instant.ofEpochMilli(issuedAt + ttlMillis), encodeNonce(nonce), value);
    }

    /**
     * Verifies {@code token} for {@code expected} (migration, session, source, target must all match) and
     * consumes it.
     *
     * @throws MigrationException with the error of the first check that fails, see the class comment
     */
    public MigrationToken verify(String token, MigrationRequest expected) {
        Objects.requireNonNull(expected, "expected");
        return verify(token, expected.migrationId(), expected.sessionId(), expected.sourceWorker(),
                expected.targetWorker());
    }

    /** As {@link #verify(String, MigrationRequest)}, with the expected values given one by one. */
    public MigrationToken verify(String token, String migrationId, String sessionId, String source, String target) {
        MigrationToken t = authenticate(token);
        requireEqual("migration", t.migrationId(), migrationId);
        requireEqual("session", t.sessionId(), sessionId);
        requireEqual("source", t.source(), source);
        requireEqual("target", t.target(), target);
        long now = clock.millis();
        if (now >= t.expiresAt().toEpochMilli()) {
            throw new MigrationException(MigrationError.TOKEN_EXPIRED, "token for migration '" + t.migrationId()
                    + "' expired at " + t.expiresAt() + " (now " + Instant.ofEpochMilli(now) + ")");
        }
        synchronized (replayGuard) {
            if (replayGuard.contains(t.nonce(), now)) {
                throw new MigrationException(MigrationError.REPLAYED, "token for migration '" + t.migrationId()
                        + "' was already used");
            }
            TokenBucketRateLimiter.Decision d = rateLimiter.tryAcquire(t.source());
            if (!d.allowed()) {
                throw new MigrationException(MigrationError.RATE_LIMITED, "source '" + t.source()
                        + "' exceeds " + config.ratePerSecond() + " migrations/s (burst " + config.burst()
                        + "); retry in " + d.retryAfterMillis() + " ms");
            }
            ReplayGuard.Outcome o = replayGuard.tryRecord(t.nonce(), t.expiresAt().toEpochMilli(), now);
            if (o == ReplayGuard.Outcome.FULL) {
                throw new MigrationException(MigrationError.RATE_LIMITED, "replay guard holds "
                        + replayGuard.capacity() + " unexpired tokens; refusing new ones until some expire");
            }
            if (o == ReplayGuard.Outcome.REPLAYED) {
                throw new MigrationException(MigrationError.REPLAYED, "token for migration '" + t.migrationId()
                        + "' was already used");
            }
        }
        return t;
    }

    /** Decodes and checks format, key, signature and times; no binding, expiry, replay or rate checks. */
    private MigrationToken authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw invalid("token is empty or longer than " + MAX_TOKEN_CHARS + " characters");
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw invalid("token is not base64url");
        }
        String keyId;
        String migrationId;
        String sessionId;
        String source;
        String target;
        long issuedAt;
        long ttl;
        byte[] nonce;
        int bodyLength;
        try {
            WireReader r = new WireReader(raw);
            int version = r.readByte("version");
            if (version != VERSION) {
                throw new WireFormatException("unsupported token version " + version);
            }
            keyId = Ids.requireKeyId(
                    new String(r.readBytes(r.readByte("key id length"), "key id"), StandardCharsets.ISO_8859_1));
            migrationId = Ids.require("migration id", r.readString("migration id", MAX_FIELD_BYTES));
            sessionId = Ids.require("session id", r.readString("session id", MAX_FIELD_BYTES));
            source = Ids.require("source", r.readString("source", MAX_FIELD_BYTES));
            target = Ids.require("target", r.readString("target", MAX_FIELD_BYTES));
            issuedAt = r.readVarLong("issuedAt");
            ttl = r.readVarLong("ttl");
            nonce = r.readBytes(NONCE_BYTES, "nonce");
            bodyLength = r.position();
            r.readBytes(MAC_BYTES, "signature");
            r.requireEnd("token");
        } catch (WireFormatException | IllegalArgumentException e) {
            throw invalid("malformed token: " + e.getMessage());
        }
        MigrationKey key = keyRing.require(keyId, MigrationError.INVALID_TOKEN);
        byte[] expected = mac(key, raw, bodyLength);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, bodyLength, raw.length))) {
            throw invalid("signature does not verify (forged or altered token)");
        }
        if (ttl <= 0 || ttl > config.maxTtl().toMillis() || issuedAt < 0 || issuedAt > Long.MAX_VALUE - ttl) {
            throw invalid("token lifetime of " + ttl + " ms is outside 1.." + config.maxTtl().toMillis() + " ms");
        }
        long now = clock.millis();
        if (issuedAt > now + config.clockSkew().toMillis()) {
            throw invalid("token issued in the future (" + Instant.ofEpochMilli(issuedAt) + ", now "
                    + Instant.ofEpochMilli(now) + ", allowed skew " + config.clockSkew() + ")");
        }
        return new MigrationToken(keyId, migrationId, sessionId, source, target, Instant.ofEpochMilli(issuedAt),
                Instant.ofEpochMilli(issuedAt + ttl), encodeNonce(nonce), token);
    }

    private static void requireEqual(String what, String actual, String expected) {
        if (expected == null || !expected.equals(actual)) {
            throw invalid("token is for " + what + " '" + actual + "', not '" + expected + "'");
        }
    }

    private static byte[] mac(MigrationKey key, byte[] body, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key.hmacKey());
            mac.update(DOMAIN);
            mac.update(body, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable: " + e, e);
        }
    }

    private static String encodeNonce(byte[] nonce) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
    }

    private static MigrationException invalid(String message) {
        return new MigrationException(MigrationError.INVALID_TOKEN, message);
    }
}
