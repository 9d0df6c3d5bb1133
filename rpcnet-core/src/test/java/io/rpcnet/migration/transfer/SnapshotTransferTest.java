package io.rpcnet.migration.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.TestSnapshots;
import io.rpcnet.migration.crypto.CipherBinding;
import io.rpcnet.migration.crypto.EncryptionService;
import io.rpcnet.migration.crypto.KeyRing;
import io.rpcnet.migration.crypto.MigrationKey;
import io.rpcnet.migration.serialization.Compression;
import io.rpcnet.migration.serialization.SerializationConfig;
import io.rpcnet.migration.serialization.SerializationService;
import io.rpcnet.migration.serialization.SerializedSnapshot;
import io.rpcnet.migration.serialization.SnapshotChunk;
import io.rpcnet.migration.serialization.SnapshotManifest;
import io.rpcnet.migration.serialization.SnapshotReceiver;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.MigrationStateHandler;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import io.rpcnet.migration.snapshot.StateHandlers;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The full state path: capture, seal, open, restore — and what makes it refuse. */
class SnapshotTransferTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final CipherBinding BINDING = new CipherBinding("mig-7", "sess-7");
    private static final SessionSnapshot SNAPSHOT = TestSnapshots.ofSize("sess-7", 300_000, 7);

    private final EncryptionService encryption =
            new EncryptionService(KeyRing.of(MigrationKey.generate("k1", RANDOM)), RANDOM);
    private final List<SerializationService> services = new ArrayList<>();

    private SnapshotTransfer transfer(Compression c) {
        SerializationService s = new SerializationService(
                SerializationConfig.builder().compression(c).chunkSize(32 * 1024).build());
        services.add(s);
        return new SnapshotTransfer(s, encryption);
    }

    @AfterEach
    void close() {
        services.forEach(SerializationService::close);
    }

    static AbstractThrowableAssert<?, ? extends Throwable> assertCorrupt(Runnable r) {
        return assertThatThrownBy(r::run).isInstanceOf(MigrationException.class)
                .satisfies(e -> assertThat(((MigrationException) e).error()).isEqualTo(MigrationError.STATE_CORRUPTION));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void sealsAndOpens(Compression c) {
        SnapshotTransfer t = transfer(c);
        SerializedSnapshot sealed = t.seal(SNAPSHOT, BINDING);
        assertThat(sealed.chunks()).hasSizeGreaterThan(5);
        assertThat(t.open(sealed, BINDING)).isEqualTo(SNAPSHOT);
        // streamed, chunk by chunk, as over the network
        SnapshotReceiver receiver = t.receiver(BINDING);
        t.seal(SNAPSHOT, BINDING, receiver);
        assertThat(receiver.result()).isEqualTo(SNAPSHOT);
    }

    @Test
    void restoringIntoAnotherSessionOrMigrationFailsAndRestoresNothing() {
        SnapshotTransfer t = transfer(Compression.ZSTD);
        SerializedSnapshot sealed = t.seal(SNAPSHOT, BINDING);
        AtomicInteger restores = new AtomicInteger();
        StateHandlers handlers = new StateHandlers(List.of(new MigrationStateHandler() {
            @Override
            public String name() {
                return "handler-0";
            }

            @Override
            public byte[] capture(String sessionId) {
                return null;
            }

            @Override
            public void restore(String sessionId, Bytes state) {
                restores.incrementAndGet();
            }
        }));
        assertCorrupt(() -> handlers.restore(t.open(sealed, new CipherBinding("mig-7", "sess-8"))));
        assertCorrupt(() -> handlers.restore(t.open(sealed, new CipherBinding("mig-8", "sess-7"))));
        assertThat(restores).hasValue(0);
        assertThatThrownBy(() -> t.seal(SNAPSHOT, new CipherBinding("mig-7", "sess-8")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chunksAreBoundToTheirPositionAndTransfer() {
        SnapshotTransfer t = transfer(Compression.NONE);
        SerializedSnapshot a = t.seal(SNAPSHOT, BINDING);
        SerializedSnapshot b = t.seal(SNAPSHOT, BINDING); // same content, fresh nonces
        assertThat(a.chunks().get(0)).isNotEqualTo(b.chunks().get(0));

        // a chunk re-labelled with another sequence number and a matching CRC: GCM refuses it
        List<SnapshotChunk> moved = new ArrayList<>(a.chunks());
        moved.set(1, SnapshotChunk.of(1, a.chunks().get(2).payload().toByteArray()));
        assertCorrupt(() -> t.open(new SerializedSnapshot(a.manifest(), moved, a.digest()), BINDING));

        // a chunk of another transfer, with that transfer's digest recomputed by an attacker: still refused
        List<SnapshotChunk> mixed = new ArrayList<>(a.chunks());
        mixed.set(0, b.chunks().get(0));
        SnapshotReceiver r = t.receiver(BINDING);
        r.begin(a.manifest());
        assertCorrupt(() -> {
            mixed.forEach(r::chunk);
            r.end(Bytes.empty());
        });

        // a shorter manifest (truncation): the chunk count is authenticated in every chunk
        SnapshotManifest m = a.manifest();
        long shorter = (long) (m.chunkCount() - 1) * m.chunkSize();
        SnapshotManifest truncated = SnapshotManifest.of(m.compression(), m.chunkSize(), shorter);
        assertCorrupt(() -> t.open(new SerializedSnapshot(truncated, a.chunks().subList(0, m.chunkCount() - 1),
                a.digest()), BINDING));
    }

    @Test
    void tamperedCiphertextWithRecomputedCrcIsCaughtByGcm() {
        SnapshotTransfer t = transfer(Compression.GZIP);
        SerializedSnapshot sealed = t.seal(SNAPSHOT, BINDING);
        SnapshotChunk c = sealed.chunks().get(2);
        byte[] p = c.payload().toByteArray();
        p[p.length / 3] ^= 0x04;
        List<SnapshotChunk> chunks = new ArrayList<>(sealed.chunks());
        chunks.set(2, SnapshotChunk.of(2, p));
        // the receiver is fed chunk by chunk; the digest would also fail, but GCM already has
        SnapshotReceiver r = t.receiver(BINDING);
        r.begin(sealed.manifest());
        assertCorrupt(() -> {
            chunks.forEach(r::chunk);
            r.end(sealed.digest());
        });
        assertThatThrownBy(r::result).isInstanceOf(MigrationException.class);
    }
}
