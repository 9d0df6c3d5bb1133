package io.rpcnet.migration.crypto;

import io.rpcnet.migration.internal.Ids;
import java.nio.charset.StandardCharsets;

/**
 * What a ciphertext is bound to: the migration and the session it was made for. Both enter the
 * additional authenticated data, so state encrypted for one session (or one migration) fails to decrypt
 * for any other, even with the right key.
 *
 * @param migrationId the migration
 * @param sessionId   the session
 */
public record CipherBinding(String migrationId, String sessionId) {

    public CipherBinding {
        Ids.require("migrationId", migrationId);
        Ids.require("sessionId", sessionId);
    }

    /** {@code u16 length | UTF-8 migrationId | u16 length | UTF-8 sessionId}. */
    byte[] encode() {
        byte[] m = migrationId.getBytes(StandardCharsets.UTF_8);
        byte[] s = sessionId.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[4 + m.length + s.length];
        out[0] = (byte) (m.length >>> 8);
        out[1] = (byte) m.length;
        System.arraycopy(m, 0, out, 2, m.length);
        out[2 + m.length] = (byte) (s.length >>> 8);
        out[3 + m.length] = (byte) s.length;
        System.arraycopy(s, 0, out, 4 + m.length, s.length);
        return out;
    }
}
