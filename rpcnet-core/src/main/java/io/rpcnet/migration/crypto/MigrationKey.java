package io.rpcnet.migration.crypto;

import io.rpcnet.migration.internal.Ids;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A named 256-bit secret: an AES-256 key for state encryption or an HMAC-SHA256 key for tokens. The id
 * travels in every message so the receiver picks the right key after a rotation; the material never
 * appears in {@link #toString()}, exceptions or logs.
 */
public final class MigrationKey {

    /** Key size in bytes (AES-256; also the HMAC-SHA256 key size used). */
    public static final int KEY_BYTES = 32;

    private final String id;
    private final SecretKeySpec aes;
    private final SecretKeySpec hmac;

    private MigrationKey(String id, byte[] material) {
        this.id = Ids.requireKeyId(id);
        if (material.length != KEY_BYTES) {
            throw new IllegalArgumentException("migration key '" + id + "' must be " + KEY_BYTES
                    + " bytes (256 bits), got " + material.length);
        }
        this.aes = new SecretKeySpec(material, "AES");
        this.hmac = new SecretKeySpec(material, "HmacSHA256");
    }

    /**
     * A key from configuration: {@code base64} (standard or URL-safe alphabet, padding optional) must decode
     * to exactly 32 bytes.
     *
     * @throws IllegalArgumentException naming the key id (never echoing the value) if it does not
     */
    public static MigrationKey fromBase64(String id, String base64) {
        Ids.requireKeyId(id);
        if (base64 == null || base64.isBlank()) {
            throw new IllegalArgumentException("migration key '" + id + "' is empty; expected base64 of "
                    + KEY_BYTES + " bytes");
        }
        String s = base64.strip();
        byte[] material;
        try {
            material = (s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder())
                    .decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("migration key '" + id + "' is not valid base64");
        }
        try {
            if (material.length != KEY_BYTES) {
                throw new IllegalArgumentException("migration key '" + id + "' decodes to " + material.length
                        + " bytes; AES-256 needs exactly " + KEY_BYTES + " (e.g. `openssl rand -base64 32`)");
            }
            return new MigrationKey(id, material);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** A key over a copy of {@code material} (exactly 32 bytes). */
    public static MigrationKey of(String id, byte[] material) {
        return new MigrationKey(id, material.clone());
    }

    /** A fresh random key with the given id, from the JDK's AES key generator. */
    public static MigrationKey generate(String id, SecureRandom random) {
        try {
            KeyGenerator g = KeyGenerator.getInstance("AES");
            g.init(KEY_BYTES * 8, random);
            SecretKey k = g.generateKey();
            byte[] material = k.getEncoded();
            try {
                return new MigrationKey(id, material);
            } finally {
                Arrays.fill(material, (byte) 0);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("AES missing from this JDK", e);
        }
    }

    /** A fresh random key with a random id of the form {@code k-<16 hex>}. */
    public static MigrationKey generate(SecureRandom random) {
        byte[] idBytes = new byte[8];
        random.nextBytes(idBytes);
        return generate("k-" + HexFormat.of().formatHex(idBytes), random);
    }

    public String id() {
        return id;
    }

    /** The AES view of the material, for {@code AES/GCM/NoPadding}. */
    public SecretKey aesKey() {
        return aes;
    }

    /** The HMAC-SHA256 view of the material. */
    public SecretKey hmacKey() {
        return hmac;
    }

    /**
     * The material as standard base64, to hand a generated key to the other workers' configuration. Treat
     * the result as a secret.
     */
    public String exportBase64() {
        byte[] material = aes.getEncoded();
        try {
            return Base64.getEncoder().encodeToString(material);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** The id only. */
    @Override
    public String toString() {
        return "MigrationKey[id=" + id + "]";
    }
}
