package io.rpcnet.migration.transfer;

import io.rpcnet.migration.crypto.CipherBinding;
import io.rpcnet.migration.crypto.EncryptionService;
import io.rpcnet.migration.serialization.PayloadTransform;

/**
 * Encrypts each chunk payload as its own AES-GCM message (fresh nonce per chunk) whose authenticated data
 * adds the chunk's sequence number and the chunk count to the migration/session binding: a chunk moved to
 * another position, dropped, duplicated, or taken from a transfer of a different length fails to decrypt.
 */
final class ChunkEncryption implements PayloadTransform {

    private final EncryptionService encryption;
    private final CipherBinding binding;

    ChunkEncryption(EncryptionService encryption, CipherBinding binding) {
        this.encryption = encryption;
        this.binding = binding;
    }

    @Override
    public byte[] seal(byte[] plain, int off, int len, int sequence, int chunkCount) {
        return encryption.encrypt(plain, off, len, binding, context(sequence, chunkCount));
    }

    @Override
    public byte[] open(byte[] sealed, int sequence, int chunkCount) {
        return encryption.decrypt(sealed, 0, sealed.length, binding, context(sequence, chunkCount));
    }

    private static byte[] context(int sequence, int chunkCount) {
        return new byte[] {'c', 'h', 'n', 'k',
            (byte) (sequence >>> 24), (byte) (sequence >>> 16), (byte) (sequence >>> 8), (byte) sequence,
            (byte) (chunkCount >>> 24), (byte) (chunkCount >>> 16), (byte) (chunkCount >>> 8), (byte) chunkCount};
    }
}
