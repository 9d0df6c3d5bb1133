package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.membership.MembershipService.JoinChallenge;
import io.rpcnet.cluster.membership.MembershipService.JoinRequest;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.server.CallContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a {@link DirectorMembership} authenticates workers: issues join challenges (single-use nonces, bound to a
 * member id, expiring, bounded in number), checks join proofs of the cluster secret unless mutual TLS stands in
 * for them, issues and verifies member tokens, and counts and logs refusals (rate-limited, never logging
 * secrets, proofs or tokens). Split from the director so that the service class keeps only the protocol and the
 * registry updates; the rules are described in the director's class comment ("Authentication").
 */
final class DirectorAuthenticator {

    /** Same logger as the director, so one category covers the director side of the membership. */
    private static final Logger log = LoggerFactory.getLogger(DirectorMembership.class);

    private final byte[] secret;
    private final boolean mutualTls;
    private final Duration challengeTtl;
    private final int maxPendingChallenges;
    private final Duration tokenTtl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final MemberTokens tokens;
    private final ConcurrentHashMap<String, PendingChallenge> challenges = new ConcurrentHashMap<>();
    private final AtomicLong refusedJoins = new AtomicLong();
    private final AtomicLong refusedCalls = new AtomicLong();
    /** When a refused join was last logged at WARN (at most one per second; the others at DEBUG). */
    private final AtomicLong lastRefusalWarnNanos = new AtomicLong(System.nanoTime() - 2_000_000_000L);
    private final AtomicLong refusalsNotWarned = new AtomicLong();

    private record PendingChallenge(String memberId, long expiresAtMillis) {
    }

    DirectorAuthenticator(byte[] secret, boolean mutualTls, Duration challengeTtl, int maxPendingChallenges,
                          Duration tokenTtl, Clock clock) {
        this.secret = secret;
        this.mutualTls = mutualTls;
        this.challengeTtl = challengeTtl;
        this.maxPendingChallenges = maxPendingChallenges;
        this.tokenTtl = tokenTtl;
        this.clock = clock;
        this.tokens = new MemberTokens(random);
    }

    boolean requiresSecret() {
        return secret != null && !mutualTls;
    }

    boolean mutualTls() {
        return mutualTls;
    }

    /** {@code secret}, {@code mTLS} or {@code secret+mTLS}. */
    String mode() {
        return (secret != null ? "secret" : "") + (secret != null && mutualTls ? "+" : "") + (mutualTls ? "mTLS" : "");
    }

    int pendingChallenges() {
        return challenges.size();
    }

    long refusedJoins() {
        return refusedJoins.get();
    }

    long refusedCalls() {
        return refusedCalls.get();
    }

    /** A new nonce for {@code memberId} (already validated); RESOURCE_EXHAUSTED when too many are pending. */
    JoinChallenge challenge(String memberId) {
        long now = clock.millis();
        if (challenges.size() >= maxPendingChallenges) {
            purgeExpiredChallenges(now);
            if (challenges.size() >= maxPendingChallenges) {
                throw new RpcException(StatusCode.RESOURCE_EXHAUSTED, "too many pending join challenges ("
                        + maxPendingChallenges + "); try again later");
            }
        }
        String nonce = MembershipAuth.newNonce(random);
        challenges.put(nonce, new PendingChallenge(memberId, now + challengeTtl.toMillis()));
        return new JoinChallenge(nonce, challengeTtl.toMillis());
    }

    /**
     * Checks the join's proof of the cluster secret when one is required (a secret is configured and mutual TLS
     * does not stand in) or offered; throws UNAUTHENTICATED if it is refused.
     */
    void authenticateJoin(JoinRequest r) {
        String id = r.memberId();
        boolean proofOffered = r.nonce() != null || r.proof() != null;
        if (secret != null && (proofOffered || !mutualTls)) {
            String refusal = checkProof(r);
            if (refusal != null) {
                refusedJoins.incrementAndGet();
                logRefusal(id, refusal);
                throw new RpcException(StatusCode.UNAUTHENTICATED, "join of '" + id + "' refused: " + refusal);
            }
        }
    }

    /** A member token for {@code memberId} at {@code incarnation}, valid for the token TTL from now. */
    String issueToken(String memberId, long incarnation) {
        long expires = clock.millis() + tokenTtl.toMillis();
        return tokens.issue(memberId, incarnation, expires);
    }

    long tokenTtlMillis() {
        return tokenTtl.toMillis();
    }

    /** Checks the member token of a heartbeat, leave or drain ({@code what}); throws UNAUTHENTICATED if refused. */
    void authenticate(String what, String memberId, long incarnation, String token) {
        long now = clock.millis();
        String refusal = switch (tokens.verify(token, memberId, incarnation, now)) {
            case VALID -> null;
            case MISSING -> "no member token; join first";
            case MALFORMED -> "malformed member token; join again";
            case FORGED -> "invalid member token (not issued by this director to '" + memberId + "' incarnation "
                    + incarnation + "); join again";
            case EXPIRED -> "member token expired at " + Instant.ofEpochMilli(MemberTokens.expiresAt(token))
                    + "; join again";
        };
        if (refusal != null) {
            refusedCalls.incrementAndGet();
            log.debug("refused {} of member '{}' from {}: {}", what, memberId, peer(), refusal);
            throw new RpcException(StatusCode.UNAUTHENTICATED, what + " of '" + memberId + "' refused: " + refusal);
        }
    }

    /** Drops expired challenges (called by the director's periodic evaluation). */
    void purgeExpiredChallenges() {
        if (!challenges.isEmpty()) {
            purgeExpiredChallenges(clock.millis());
        }
    }

    /** Why the join's proof is refused, or {@code null} if it is good. Consumes the nonce either way. */
    private String checkProof(JoinRequest r) {
        if (r.nonce() == null || r.proof() == null) {
            return "no proof of the cluster secret; ask RpcNetMembership/challenge for a nonce and send its "
                    + "HMAC-SHA256 proof" + (mutualTls ? "" : " (this director does not accept client certificates "
                    + "instead)");
        }
        PendingChallenge pending = challenges.remove(r.nonce());
        if (pending == null) {
            return "the challenge nonce is unknown or was already used; ask for a new challenge";
        }
        if (clock.millis() >= pending.expiresAtMillis()) {
            return "the challenge nonce expired; ask for a new challenge";
        }
        if (!pending.memberId().equals(r.memberId())) {
            return "the challenge nonce was issued to another member id";
        }
        if (!MembershipAuth.verifyJoinProof(secret, r.nonce(), r.memberId(), r.address(), r.incarnation(), r.proof())) {
            return "the proof does not match (is the worker's cluster secret the director's?)";
        }
        return null;
    }

    private void logRefusal(String id, String refusal) {
        long now = System.nanoTime();
        long last = lastRefusalWarnNanos.get();
        if (now - last >= 1_000_000_000L && lastRefusalWarnNanos.compareAndSet(last, now)) {
            long more = refusalsNotWarned.getAndSet(0);
            log.warn("refused join of member '{}' from {}: {}{}", id, peer(), refusal,
                    more == 0 ? "" : " (" + more + " more refused joins in the last second(s), logged at DEBUG)");
        } else {
            refusalsNotWarned.incrementAndGet();
            log.debug("refused join of member '{}' from {}: {}", id, peer(), refusal);
        }
    }

    private void purgeExpiredChallenges(long nowMillis) {
        challenges.values().removeIf(p -> nowMillis >= p.expiresAtMillis());
    }

    private static Object peer() {
        CallContext context = CallContext.current();
        SocketAddress address = context == null ? null : context.remoteAddress();
        return address == null ? "(local call)" : address;
    }
}
