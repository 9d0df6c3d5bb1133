package io.rpcnet.migration.crypto;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.internal.Ids;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM for migrated state, bound to its migration and session.
 *
 * <p><b>Message format</b> (version 1):
 * <pre>
 * header   'R' 'E' | version 0x01 | key id length (1..64) | key id (ASCII) | nonce (12 bytes, fresh from SecureRandom)
 * segments ciphertext of up to 16 KiB of plaintext + 16-byte tag, repeated; the last may be shorter (an
 *          empty plaintext is one segment of just a tag)
 * </pre>
 * Segment {@code i} is sealed under nonce {@code N xor (0^7 | last | uint32 i)}, where {@code last} is 1 for
 * the final segment — the TLS 1.3 per-record nonce construction plus the STREAM end marker — so segments
 * cannot be reordered, dropped or cut off. Every segment's additional authenticated data is the header,
 * the {@link CipherBinding} (migration id and session id) and an optional caller context (the chunk
 * sequence and count, for chunks). Segmenting keeps the JDK on its intrinsic AES-GCM path (one large
 * {@code doFinal} runs an order of magnitude slower until the JIT has seen thousands of calls) and costs
 * 0.1% in tags.
 *
 * <p>Any failure to decrypt — bad format, unknown or expired key, a flipped bit anywhere, a different
 * binding or context — is {@link MigrationError#STATE_CORRUPTION}, and no plaintext is returned.
 * Thread-safe.
 */
public final class EncryptionService {

    public static final int FORMAT_VERSION = 1;
    public static final int NONCE_BYTES = 12;
    public static final int TAG_BYTES = 16;
    public static final int SEGMENT_SIZE = 16 * 1024;
    private static final byte MAGIC_0 = 'R';
    private static final byte MAGIC_1 = 'E';
    private static final int MAX_MESSAGE = Integer.MAX_VALUE - 16;

    private final KeyRing keyRing;
    private final SecureRandom random;

    public EncryptionService(KeyRing keyRing) {
        this(keyRing, new SecureRandom());
    }

    public EncryptionService(KeyRing keyRing, SecureRandom random) {
        this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
        this.random = Objects.requireNonNull(random, "random");
    }

    public KeyRing keyRing() {
        return keyRing;
    }

    /** Bytes added to a plaintext of {@code length} bytes when encrypted with the active key. */
    public int overhead(int length) {
        int segments = Math.max(1, (length + SEGMENT_SIZE - 1) / SEGMENT_SIZE);
        return headerLength(keyRing.active().id().length()) + segments * TAG_BYTES;
    }

    public byte[] encrypt(byte[] plaintext, CipherBinding binding) {
        return encrypt(plaintext, 0, plaintext.length, binding, null);
    }

    /**
     * Encrypts {@code len} bytes of {@code plaintext} from {@code off} with the active key.
     *
     * @param context extra authenticated data the decryptor must present identically; null for none
     */
    public byte[] encrypt(byte[] plaintext, int off, int len, CipherBinding binding, byte[] context) {
        Objects.checkFromIndexSize(off, len, plaintext.length);
        Objects.requireNonNull(binding, "binding");
        MigrationKey key = keyRing.active();
        byte[] keyId = key.id().getBytes(StandardCharsets.US_ASCII);
        int headerLen = headerLength(keyId.length);
        int segments = Math.max(1, (len + SEGMENT_SIZE - 1) / SEGMENT_SIZE);
        long total = (long) headerLen + len + (long) segments * TAG_BYTES;
        if (total > MAX_MESSAGE) {
            throw new IllegalArgumentException("plaintext of " + len + " bytes is too large for one message");
        }
        byte[] out = new byte[(int) total];
        out[0] = MAGIC_0;
        out[1] = MAGIC_1;
        out[2] = FORMAT_VERSION;
        out[3] = (byte) keyId.length;
        System.arraycopy(keyId, 0, out, 4, keyId.length);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 4 + keyId.length, NONCE_BYTES);
        byte[] aad = aad(out, headerLen, binding, context);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] iv = new byte[NONCE_BYTES];
            int outPos = headerLen;
            for (int s = 0; s < segments; s++) {
                int pOff = off + s * SEGMENT_SIZE;
                int pLen = Math.min(SEGMENT_SIZE, len - s * SEGMENT_SIZE);
                segmentNonce(nonce, s, s == segments - 1, iv);
                cipher.init(Cipher.ENCRYPT_MODE, key.aesKey(), new GCMParameterSpec(TAG_BYTES * 8, iv));
                cipher.updateAAD(aad);
                outPos += cipher.doFinal(plaintext, pOff, pLen, out, outPos);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e, e);
        }
    }

    public byte[] decrypt(byte[] message, CipherBinding binding) {
        return decrypt(message, 0, message.length, binding, null);
    }

    /**
     * Decrypts and authenticates a message made by {@link #encrypt}.
     *
     * @throws MigrationException {@link MigrationError#STATE_CORRUPTION} if anything does not check out
     */
    public byte[] decrypt(byte[] message, int off, int len, CipherBinding binding, byte[] context) {
        Objects.checkFromIndexSize(off, len, message.length);
        Objects.requireNonNull(binding, "binding");
        if (len < 4) {
            throw corrupt("message of " + len + " bytes is shorter than a header");
        }
        if (message[off] != MAGIC_0 || message[off + 1] != MAGIC_1) {
            throw corrupt("not an encrypted migration message (bad magic)");
        }
        if (message[off + 2] != FORMAT_VERSION) {
            throw corrupt("unsupported encryption format version " + (message[off + 2] & 0xFF));
        }
        int keyIdLen = message[off + 3] & 0xFF;
        if (keyIdLen < 1 || keyIdLen > 64) {
            throw corrupt("bad key id length " + keyIdLen);
        }
        int headerLen = headerLength(keyIdLen);
        if (len < headerLen + TAG_BYTES) {
            throw corrupt("message of " + len + " bytes is too short");
        }
        String keyId = new String(message, off + 4, keyIdLen, StandardCharsets.ISO_8859_1);
        try {
            Ids.requireKeyId(keyId); // untrusted: checked before it appears in any message
        } catch (IllegalArgumentException e) {
            throw corrupt("malformed key id");
        }
        MigrationKey key = keyRing.require(keyId, MigrationError.STATE_CORRUPTION);
        byte[] nonce = Arrays.copyOfRange(message, off + 4 + keyIdLen, off + headerLen);
        int body = len - headerLen;
        int fullSegment = SEGMENT_SIZE + TAG_BYTES;
        int segments = body / fullSegment;
        int rest = body % fullSegment;
        if (rest != 0) {
            if (rest < TAG_BYTES) {
                throw corrupt("truncated final segment");
            }
            segments++;
        }
        byte[] plaintext = new byte[body - segments * TAG_BYTES];
        byte[] aad = aad(Arrays.copyOfRange(message, off, off + headerLen), headerLen, binding, context);
        int inPos = off + headerLen;
        int outPos = 0;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] iv = new byte[NONCE_BYTES];
            for (int s = 0; s < segments; s++) {
                int cLen = Math.min(fullSegment, off + len - inPos);
                segmentNonce(nonce, s, s == segments - 1, iv);
                cipher.init(Cipher.DECRYPT_MODE, key.aesKey(), new GCMParameterSpec(TAG_BYTES * 8, iv));
                cipher.updateAAD(aad);
                outPos += cipher.doFinal(message, inPos, cLen, plaintext, outPos);
                inPos += cLen;
            }
            return plaintext;
        } catch (AEADBadTagException e) {
            Arrays.fill(plaintext, (byte) 0);
            throw corrupt("authentication failed (tampered data, wrong key, or a different migration/session)");
        } catch (GeneralSecurityException e) {
            Arrays.fill(plaintext, (byte) 0);
            throw corrupt("decryption failed: " + e.getClass().getSimpleName());
        }
    }

    private static int headerLength(int keyIdLength) {
        return 4 + keyIdLength + NONCE_BYTES;
    }

    private static byte[] aad(byte[] header, int headerLen, CipherBinding binding, byte[] context) {
        byte[] b = binding.encode();
        int ctx = context == null ? 0 : context.length;
        byte[] aad = new byte[headerLen + b.length + 4 + ctx];
        System.arraycopy(header, 0, aad, 0, headerLen);
        System.arraycopy(b, 0, aad, headerLen, b.length);
        int p = headerLen + b.length;
        aad[p] = (byte) (ctx >>> 24);
        aad[p + 1] = (byte) (ctx >>> 16);
        aad[p + 2] = (byte) (ctx >>> 8);
        aad[p + 3] = (byte) ctx;
        if (ctx > 0) {
            System.arraycopy(context, 0, aad, p + 4, ctx);
        }
        return aad;
    }

    private static void segmentNonce(byte[] nonce, int segment, boolean last, byte[] iv) {
        System.arraycopy(nonce, 0, iv, 0, NONCE_BYTES);
        iv[7] ^= last ? 1 : 0;
        iv[8] ^= (byte) (segment >>> 24);
        iv[9] ^= (byte) (segment >>> 16);
        iv[10] ^= (byte) (segment >>> 8);
        iv[11] ^= (byte) segment;
    }

    private static MigrationException corrupt(String message) {
        return new MigrationException(MigrationError.STATE_CORRUPTION, message);
    }
}
