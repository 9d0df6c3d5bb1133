package io.rpcnet.benchmarks.migration;

import io.rpcnet.migration.crypto.CipherBinding;
import io.rpcnet.migration.crypto.EncryptionService;
import io.rpcnet.migration.crypto.KeyRing;
import io.rpcnet.migration.crypto.MigrationKey;
import io.rpcnet.migration.serialization.Compression;
import io.rpcnet.migration.serialization.SerializationConfig;
import io.rpcnet.migration.serialization.SerializationService;
import io.rpcnet.migration.serialization.SerializedSnapshot;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import io.rpcnet.migration.snapshot.SnapshotCodec;
import io.rpcnet.migration.snapshot.StateHandlers;
import io.rpcnet.migration.transfer.SnapshotTransfer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Everything one benchmark case needs: a live source session of the given size, an empty target, and
 * the migration services with their default configuration (1 MiB chunks, default levels, default
 * parallelism) — what a worker would use out of the box.
 */
public final class MigrationFixture implements AutoCloseable {

    public final LiveSession source;
    public final LiveSession target;
    public final StateHandlers sourceHandlers;
    public final StateHandlers targetHandlers;
    public final CipherBinding binding;
    public final EncryptionService encryption;
    public final SerializationService gzip;
    public final SerializationService zstd;
    public final SnapshotTransfer gzipTransfer;
    public final SnapshotTransfer zstdTransfer;
    /** A snapshot captured once, for the serialization benchmarks. */
    public final SessionSnapshot snapshot;
    /** The snapshot's binary form, the plaintext of the encryption benchmark (about {@code stateBytes}). */
    public final byte[] encoded;
    private final Clock clock = Clock.systemUTC();

    public MigrationFixture(int stateBytes) {
        source = LiveSession.generate("session-42", stateBytes, 42);
        target = LiveSession.target("session-42");
        sourceHandlers = new StateHandlers(source.handlers());
        targetHandlers = new StateHandlers(target.handlers());
        binding = new CipherBinding("migration-7", source.sessionId);
        SecureRandom random = new SecureRandom();
        encryption = new EncryptionService(KeyRing.of(MigrationKey.generate("bench-1", random)), random);
        gzip = new SerializationService(SerializationConfig.builder().compression(Compression.GZIP).build());
        zstd = new SerializationService(SerializationConfig.builder().compression(Compression.ZSTD).build());
        gzipTransfer = new SnapshotTransfer(gzip, encryption);
        zstdTransfer = new SnapshotTransfer(zstd, encryption);
        snapshot = capture();
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) snapshot.encodedSize());
        try {
            SnapshotCodec.write(snapshot, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        encoded = out.toByteArray();
    }

    /** Capture: a snapshot sharing the session's immutable values, with the handlers' state copied. */
    public SessionSnapshot capture() {
        SessionSnapshot.Builder b = SessionSnapshot.builder(source.sessionId).capturedAt(clock.instant())
                .version(source.version).attributes(source.attributes);
        source.unacknowledged.forEach(b::bufferedData);
        return sourceHandlers.captureInto(source.sessionId, b).build();
    }

    /** Restore: handlers first (all or nothing), then attributes and buffered responses. */
    public void restore(SessionSnapshot s) {
        targetHandlers.restore(s);
        target.attributes.clear();
        target.attributes.putAll(s.attributes());
        target.unacknowledged.clear();
        target.unacknowledged.putAll(s.bufferedData());
    }

    /** capture → serialize → compress → encrypt → decrypt → decompress → restore. */
    public long workflow(SnapshotTransfer transfer) {
        SerializedSnapshot sealed = transfer.seal(capture(), binding);
        SessionSnapshot restored = transfer.open(sealed, binding);
        restore(restored);
        return restored.checksum();
    }

    /** Payload bytes over state bytes for a compression, for the report. */
    public double ratio(SerializationService service) {
        return (double) service.serialize(snapshot).payloadBytes() / snapshot.encodedSize();
    }

    @Override
    public void close() {
        gzip.close();
        zstd.close();
    }
}
