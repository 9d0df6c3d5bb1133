package io.rpcnet.migration.participant;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.crypto.CipherBinding;
import io.rpcnet.migration.crypto.EncryptionService;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.wire.DecodedDelta;
import io.rpcnet.migration.wire.DeltaCodec;
import io.rpcnet.session.SessionDelta;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Seals catch-up and final deltas like snapshot chunks: AES-GCM bound to the migration and session, with
 * the version range and the kind (catch-up or final) as additional authenticated data, so a delta cannot
 * be replayed at another version, promoted to a final one, or moved to another session.
 */
final class DeltaSealer {

    private static final byte CATCH_UP = 1;
    private static final byte FINAL = 2;

    private final EncryptionService encryption;

    DeltaSealer(EncryptionService encryption) {
        this.encryption = encryption;
    }

    byte[] sealCatchUp(CipherBinding binding, SessionDelta delta) {
        return seal(binding, delta, null, CATCH_UP);
    }

    byte[] sealFinal(CipherBinding binding, SessionDelta delta, Map<String, Bytes> applicationState) {
        return seal(binding, delta, applicationState, FINAL);
    }

    DecodedDelta openCatchUp(CipherBinding binding, long from, long to, byte[] sealed) {
        return open(binding, from, to, sealed, CATCH_UP);
    }

    DecodedDelta openFinal(CipherBinding binding, long from, long to, byte[] sealed) {
        return open(binding, from, to, sealed, FINAL);
    }

    private byte[] seal(CipherBinding binding, SessionDelta delta, Map<String, Bytes> app, byte kind) {
        byte[] plain = DeltaCodec.encode(delta, app);
        return encryption.encrypt(plain, 0, plain.length, binding,
                context(kind, delta.fromVersion(), delta.toVersion()));
    }

    private DecodedDelta open(CipherBinding binding, long from, long to, byte[] sealed, byte kind) {
        if (sealed == null) {
            throw new MigrationException(MigrationError.STATE_CORRUPTION,
                    "delta " + from + ".." + to + " of session '" + binding.sessionId() + "' carries no data");
        }
        byte[] plain = encryption.decrypt(sealed, 0, sealed.length, binding, context(kind, from, to));
        DecodedDelta decoded = DeltaCodec.decode(plain, binding.sessionId());
        SessionDelta d = decoded.delta();
        if (d.fromVersion() != from || d.toVersion() != to) {
            throw new MigrationException(MigrationError.STATE_CORRUPTION,
                    "delta claims " + d.fromVersion() + ".." + d.toVersion() + " but was sent as " + from + ".." + to);
        }
        return decoded;
    }

    private static byte[] context(byte kind, long from, long to) {
        return ByteBuffer.allocate(17).put(kind).putLong(from).putLong(to).array();
    }
}
