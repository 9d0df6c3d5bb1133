package io.rpcnet.migration.serialization;

import java.util.Arrays;

/**
 * A reversible step applied to each chunk's compressed payload before its CRC is computed — encryption,
 * in practice. Both directions receive the chunk's sequence number and the chunk count so an
 * implementation can bind them (an encrypting one does: reordered, dropped or extra chunks then fail).
 * Implementations must be thread-safe: chunks are processed in parallel.
 */
public interface PayloadTransform {

    /** Leaves payloads as they are. */
    PayloadTransform IDENTITY = new PayloadTransform() {
        @Override
        public byte[] seal(byte[] plain, int off, int len, int sequence, int chunkCount) {
            return off == 0 && len == plain.length ? plain : Arrays.copyOfRange(plain, off, off + len);
        }

        @Override
        public byte[] open(byte[] sealed, int sequence, int chunkCount) {
            return sealed;
        }
    };

    /**
     * Transforms {@code len} bytes of {@code plain} from {@code off}. The result is owned by the caller. The
     * caller hands {@code plain} over: an implementation may return it as is (the identity does when the
     * range covers the whole array).
     */
    byte[] seal(byte[] plain, int off, int len, int sequence, int chunkCount);

    /**
     * Reverses {@link #seal}. The result is only read; it may be {@code sealed} itself.
     *
     * @throws io.rpcnet.migration.MigrationException {@code STATE_CORRUPTION} if {@code sealed} is not
     *         authentic for this sequence and count
     */
    byte[] open(byte[] sealed, int sequence, int chunkCount);
}
