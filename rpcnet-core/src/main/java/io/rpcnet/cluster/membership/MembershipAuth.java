package io.rpcnet.cluster.membership;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The cryptography of joining: the shared cluster secret, the join proof a worker computes over a director's
 * nonce, and nonces. Public so other implementations of the membership protocol (and tests) compute exactly
 * what the director verifies; see PROTOCOL.md, "Cluster membership".
 *
 * <p>The join proof is {@code base64url(HMAC-SHA256(secret, "rpcnet-join-v1\n" + nonce + "\n" + memberId + "\n"
 * + address + "\n" + incarnation))} without padding, over the UTF-8 bytes, the incarnation in decimal. The
 * separators are unambiguous: member ids, addresses and nonces contain no whitespace.
 */
public final class MembershipAuth {

    /** Shortest accepted cluster secret. */
    public static final int MIN_SECRET_BYTES = 32;
    /** Bytes of randomness in a nonce. */
    static final int NONCE_BYTES = 32;

    private static final String HMAC = "HmacSHA256";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private MembershipAuth() {
    }

    /**
     * Checks a cluster secret and returns a copy.
     *
     * @throws IllegalArgumentException if shorter than {@value #MIN_SECRET_BYTES} bytes (the message never
     *                                  contains the secret)
     */
    public static byte[] requireSecret(byte[] secret) {
        Objects.requireNonNull(secret, "cluster secret");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the cluster secret must have at least " + MIN_SECRET_BYTES
                    + " bytes (got " + secret.length + "); use e.g. 32 random bytes, base64-encoded");
        }
        return secret.clone();
    }

    /** The UTF-8 bytes of a secret given as text, checked like {@link #requireSecret(byte[])}. */
    public static byte[] requireSecret(String secret) {
        Objects.requireNonNull(secret, "cluster secret");
        return requireSecret(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** The proof a worker sends in {@link MembershipService.JoinRequest#proof()}. */
    public static String joinProof(byte[] secret, String nonce, String memberId, String address, long incarnation) {
        return B64.encodeToString(hmac(secret, joinInput(nonce, memberId, address, incarnation)));
    }

    /** Constant-time check of a join proof; false for anything malformed. */
    public static boolean verifyJoinProof(byte[] secret, String nonce, String memberId, String address,
                                          long incarnation, String proof) {
        byte[] given = decode(proof);
        if (given == null) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, joinInput(nonce, memberId, address, incarnation)), given);
    }

    static String joinInput(String nonce, String memberId, String address, long incarnation) {
        return "rpcnet-join-v1\n" + nonce + "\n" + memberId + "\n" + address + "\n" + incarnation;
    }

    static String newNonce(SecureRandom random) {
        byte[] bytes = new byte[NONCE_BYTES];
        random.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    static byte[] hmac(byte[] key, String input) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    static String encode(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    /** Base64url bytes, or {@code null} if {@code text} is null or not base64url. */
    static byte[] decode(String text) {
        if (text == null || text.isEmpty() || text.length() > 1024) {
            return null;
        }
        try {
            return B64D.decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
