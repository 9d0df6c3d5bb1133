package io.rpcnet.cluster.membership;

import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Member tokens of one director: {@code <expiresAtMillis>.<base64url HMAC-SHA256(key, "rpcnet-token-v1\n" + memberId
 * + "\n" + incarnation + "\n" + expiresAtMillis)>}, under a random key made when the director starts. Tokens are
 * opaque to workers and die with the director process (a worker then joins again).
 */
final class MemberTokens {

    /** Outcome of {@link #verify}. */
    enum Verdict {
        VALID, MISSING, MALFORMED, FORGED, EXPIRED
    }

    private final byte[] key = new byte[32];

    MemberTokens(SecureRandom random) {
        random.nextBytes(key);
    }

    String issue(String memberId, long incarnation, long expiresAtMillis) {
        return expiresAtMillis + "." + MembershipAuth.encode(mac(memberId, incarnation, expiresAtMillis));
    }

    Verdict verify(String token, String memberId, long incarnation, long nowMillis) {
        if (token == null || token.isEmpty()) {
            return Verdict.MISSING;
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot > 19) {
            return Verdict.MALFORMED;
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(token, 0, dot, 10);
        } catch (NumberFormatException e) {
            return Verdict.MALFORMED;
        }
        byte[] given = MembershipAuth.decode(token.substring(dot + 1));
        if (given == null) {
            return Verdict.MALFORMED;
        }
        if (!MessageDigest.isEqual(mac(memberId, incarnation, expiresAt), given)) {
            return Verdict.FORGED;
        }
        return nowMillis >= expiresAt ? Verdict.EXPIRED : Verdict.VALID;
    }

    static long expiresAt(String token) {
        return Long.parseLong(token, 0, token.indexOf('.'), 10);
    }

    private byte[] mac(String memberId, long incarnation, long expiresAt) {
        return MembershipAuth.hmac(key, "rpcnet-token-v1\n" + memberId + "\n" + incarnation + "\n" + expiresAt);
    }
}
