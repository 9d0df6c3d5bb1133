package io.rpcnet.boot.autoconfigure.migration;

import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.migration.crypto.KeyRing;
import io.rpcnet.migration.crypto.MigrationKey;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The key rings of live migration: the AES-256 {@linkplain #encryption() encryption} keys sealing session
 * state between workers, and the HMAC-SHA256 {@linkplain #tokens() token} keys the director signs migration
 * tokens with and workers verify them with. Each comes from {@code rpcnet.migration.encryption-key} /
 * {@code token-key} (base64 of 32 bytes) or, when unset, is derived from {@code rpcnet.cluster.secret} as
 * HMAC-SHA256(secret, label) with a fixed label per key, so every node with the same secret has the same
 * keys. A director holds only the token keys: it relays sealed state it cannot read.
 *
 * <p>Define a bean of this type to supply rings of your own (for example with previous keys during a
 * rotation). Nothing here logs or prints key material.
 */
public final class MigrationKeys {

    /** Label of the encryption key derived from the cluster secret. */
    static final String ENCRYPTION_LABEL = "rpcnet/migration/encryption-key/v1";
    /** Label of the token key derived from the cluster secret. */
    static final String TOKEN_LABEL = "rpcnet/migration/token-key/v1";

    private final KeyRing encryption;
    private final KeyRing tokens;

    /**
     * @param encryption the state encryption keys, or {@code null} on a director
     * @param tokens     the token keys
     */
    public MigrationKeys(KeyRing encryption, KeyRing tokens) {
        this.encryption = encryption;
        this.tokens = java.util.Objects.requireNonNull(tokens, "tokens");
    }

    /** A worker's keys: encryption and tokens. */
    public static MigrationKeys forWorker(RpcMigrationProperties properties, String clusterSecret) {
        return new MigrationKeys(ring(properties, "encryption-key", properties.getEncryptionKey(),
                ENCRYPTION_LABEL, clusterSecret),
                ring(properties, "token-key", properties.getTokenKey(), TOKEN_LABEL, clusterSecret));
    }

    /** A director's keys: tokens only. */
    public static MigrationKeys forDirector(RpcMigrationProperties properties, String clusterSecret) {
        return new MigrationKeys(null, ring(properties, "token-key", properties.getTokenKey(), TOKEN_LABEL,
                clusterSecret));
    }

    /**
     * The state encryption keys.
     *
     * @throws IllegalStateException on a director, which holds none
     */
    public KeyRing encryption() {
        if (encryption == null) {
            throw new IllegalStateException("these migration keys hold no encryption key (a director's)");
        }
        return encryption;
    }

    /** Whether these keys include the state encryption keys (a worker's do). */
    public boolean hasEncryption() {
        return encryption != null;
    }

    /** The token keys. */
    public KeyRing tokens() {
        return tokens;
    }

    /** Key ids only. */
    @Override
    public String toString() {
        return "MigrationKeys[encryption=" + (encryption == null ? "none" : encryption.active().id()) + ", tokens="
                + tokens.active().id() + "]";
    }

    private static KeyRing ring(RpcMigrationProperties properties, String name, String base64, String label,
                                String clusterSecret) {
        String property = "rpcnet.migration." + name;
        String keyId = keyId(properties.getKeyId());
        if (base64 != null && !base64.isBlank()) {
            try {
                return KeyRing.of(MigrationKey.fromBase64(keyId, base64));
            } catch (IllegalArgumentException e) {
                // the core's message names the key id and the size, never the value
                throw new InvalidRpcPropertyException(property, "(hidden)", e.getMessage()
                        + "; expected base64 of 32 bytes, e.g. from `openssl rand -base64 32`");
            }
        }
        if (clusterSecret == null || clusterSecret.isBlank()) {
            throw new InvalidRpcPropertyException(property, null, "live migration needs a 32-byte key: set "
                    + property + " (base64, e.g. from `openssl rand -base64 32`, the same on every node) or "
                    + "rpcnet.cluster.secret to derive it from");
        }
        byte[] secret = clusterSecret.getBytes(StandardCharsets.UTF_8);
        try {
            if (secret.length < MigrationKey.KEY_BYTES) {
                throw new InvalidRpcPropertyException("rpcnet.cluster.secret", "(hidden)", "must be at least 32 "
                        + "bytes long to derive " + property + " from it");
            }
            return KeyRing.of(derive(keyId, secret, label));
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private static MigrationKey derive(String keyId, byte[] secret, String label) {
        byte[] material = null;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            material = mac.doFinal(label.getBytes(StandardCharsets.US_ASCII));
            return MigrationKey.of(keyId, material);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        } finally {
            if (material != null) {
                Arrays.fill(material, (byte) 0);
            }
        }
    }

    private static String keyId(String keyId) {
        try {
            MigrationKey.of(keyId, new byte[MigrationKey.KEY_BYTES]); // checks the id only; the key is discarded
            return keyId;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRpcPropertyException("rpcnet.migration.key-id", keyId,
                    "must be 1 to 64 characters of [A-Za-z0-9._-]");
        }
    }
}
