package io.rpcnet.migration.transfer;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.crypto.CipherBinding;
import io.rpcnet.migration.crypto.EncryptionService;
import io.rpcnet.migration.serialization.PayloadTransform;
import io.rpcnet.migration.serialization.SerializationService;
import io.rpcnet.migration.serialization.SerializedSnapshot;
import io.rpcnet.migration.serialization.SnapshotReceiver;
import io.rpcnet.migration.serialization.SnapshotSink;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import java.util.Objects;

/**
 * The state path of a migration: snapshot → binary form → compressed chunks → AES-GCM per chunk
 * (bound to migration, session, chunk position and count) → CRC32C per chunk and SHA-256 over all, and
 * back. Sealing streams into a {@link SnapshotSink}; opening streams through a {@link SnapshotReceiver}
 * that releases the snapshot only once every check has passed. Thread-safe.
 */
public final class SnapshotTransfer {

    private final SerializationService serialization;
    private final EncryptionService encryption;

    public SnapshotTransfer(SerializationService serialization, EncryptionService encryption) {
        this.serialization = Objects.requireNonNull(serialization, "serialization");
        this.encryption = Objects.requireNonNull(encryption, "encryption");
    }

    public SerializationService serialization() {
        return serialization;
    }

    public EncryptionService encryption() {
        return encryption;
    }

    /** The per-chunk encryption for {@code binding}, for callers driving serialization themselves. */
    public PayloadTransform transform(CipherBinding binding) {
        return new ChunkEncryption(encryption, Objects.requireNonNull(binding, "binding"));
    }

    /** Seals {@code snapshot} into memory. */
    public SerializedSnapshot seal(SessionSnapshot snapshot, CipherBinding binding) {
        SerializedSnapshot.Collector collector = SerializedSnapshot.collector();
        seal(snapshot, binding, collector);
        return collector.result();
    }

    /**
     * Streams {@code snapshot}, sealed for {@code binding}, into {@code sink}.
     *
     * @throws IllegalArgumentException if the binding names another session than the snapshot
     * @throws MigrationException       {@link MigrationError#STATE_TOO_LARGE} before any work if over the cap
     */
    public void seal(SessionSnapshot snapshot, CipherBinding binding, SnapshotSink sink) {
        if (!snapshot.sessionId().equals(binding.sessionId())) {
            throw new IllegalArgumentException("snapshot of session '" + snapshot.sessionId()
                    + "' cannot be sealed for session '" + binding.sessionId() + "'");
        }
        serialization.serialize(snapshot, transform(binding), sink);
    }

    /** A receiver that accepts only a transfer sealed for {@code binding}. */
    public SnapshotReceiver receiver(CipherBinding binding) {
        return serialization.newReceiver(binding.sessionId(), transform(binding));
    }

    /**
     * Verifies, decrypts and rebuilds an in-memory transfer.
     *
     * @throws MigrationException {@link MigrationError#STATE_CORRUPTION} if anything fails to verify,
     *                            including a binding to another migration or session
     */
    public SessionSnapshot open(SerializedSnapshot sealed, CipherBinding binding) {
        SnapshotReceiver receiver = receiver(binding);
        sealed.replayInto(receiver);
        return receiver.result();
    }
}
