package io.rpcnet.migration.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.TestSnapshots;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every way a transfer can go wrong ends in a precise error and no snapshot. */
class SerializationFailureTest {

    private static final SessionSnapshot SNAPSHOT = TestSnapshots.ofSize("sess", 200_000, 5);
    private static final SerializationService SERVICE = new SerializationService(
            SerializationConfig.builder().chunkSize(16 * 1024).parallelism(2).build());

    @AfterAll
    static void close() {
        SERVICE.close();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertCorrupt(Runnable r) {
        return assertThatThrownBy(r::run).isInstanceOf(MigrationException.class)
                .satisfies(e -> assertThat(((MigrationException) e).error()).isEqualTo(MigrationError.STATE_CORRUPTION));
    }

    private static SerializedSnapshot withChunks(SerializedSnapshot s, List<SnapshotChunk> chunks) {
        return new SerializedSnapshot(s.manifest(), chunks, s.digest());
    }

    @Test
    void sizeCapIsCheckedBeforeAnyWork() {
        try (SerializationService small = new SerializationService(
                SerializationConfig.builder().maxSnapshotBytes(100_000).build())) {
            AtomicInteger sinkCalls = new AtomicInteger();
            SnapshotSink sink = new SnapshotSink() {
                @Override
                public void begin(SnapshotManifest manifest) {
                    sinkCalls.incrementAndGet();
                }

                @Override
                public void chunk(SnapshotChunk chunk) {
                    sinkCalls.incrementAndGet();
                }

                @Override
                public void end(Bytes digest) {
                    sinkCalls.incrementAndGet();
                }
            };
            assertThatThrownBy(() -> small.serialize(SNAPSHOT, PayloadTransform.IDENTITY, sink))
                    .isInstanceOf(MigrationException.class)
                    .hasMessageContaining(SNAPSHOT.encodedSize() + " bytes")
                    .hasMessageContaining("cap of 100000 bytes")
                    .satisfies(e -> assertThat(((MigrationException) e).error()).isEqualTo(MigrationError.STATE_TOO_LARGE));
            assertThat(sinkCalls).hasValue(0);

            // and the receiving side refuses the manifest before the first chunk
            SerializedSnapshot big = SERVICE.serialize(SNAPSHOT);
            SnapshotReceiver receiver = small.newReceiver(null, PayloadTransform.IDENTITY);
            assertThatThrownBy(() -> receiver.begin(big.manifest())).isInstanceOf(MigrationException.class)
                    .hasMessageContaining("cap of 100000");
            assertThat(receiver.failed()).isTrue();
            assertThatThrownBy(() -> receiver.chunk(big.chunks().get(0))).hasMessageContaining("cap of 100000");
        }
    }

    @Test
    void flippedChunkByteFailsItsCrc() {
        SerializedSnapshot s = SERVICE.serialize(SNAPSHOT);
        for (int chunk : new int[] {0, s.chunks().size() / 2, s.chunks().size() - 1}) {
            List<SnapshotChunk> chunks = new ArrayList<>(s.chunks());
            byte[] payload = chunks.get(chunk).payload().toByteArray();
            payload[payload.length / 2] ^= 0x10;
            chunks.set(chunk, SnapshotChunk.of(chunk, payload, chunks.get(chunk).crc32c()));
            assertCorrupt(() -> SERVICE.deserialize(withChunks(s, chunks), "sess")).hasMessageContaining("CRC32C");
        }
    }

    @Test
    void alteredPayloadWithFixedCrcFailsTheDigest() {
        SerializedSnapshot s = SERVICE.serialize(SNAPSHOT);
        List<SnapshotChunk> chunks = new ArrayList<>(s.chunks());
        byte[] payload = chunks.get(1).payload().toByteArray();
        payload[payload.length - 1] ^= 1;
        chunks.set(1, SnapshotChunk.of(1, payload));
        assertCorrupt(() -> SERVICE.deserialize(withChunks(s, chunks), "sess"));
    }

    @Test
    void reorderedDroppedAndExtraChunksAreRefused() {
        SerializedSnapshot s = SERVICE.serialize(SNAPSHOT);
        List<SnapshotChunk> swapped = new ArrayList<>(s.chunks());
        swapped.set(0, s.chunks().get(1));
        swapped.set(1, s.chunks().get(0));
        assertCorrupt(() -> SERVICE.deserialize(withChunks(s, swapped), "sess")).hasMessageContaining("expected 0");

        List<SnapshotChunk> dropped = new ArrayList<>(s.chunks().subList(0, s.chunks().size() - 1));
        assertCorrupt(() -> SERVICE.deserialize(withChunks(s, dropped), "sess")).hasMessageContaining("ended after");

        List<SnapshotChunk> extra = new ArrayList<>(s.chunks());
        extra.add(SnapshotChunk.of(s.chunks().size(), new byte[] {0}));
        assertCorrupt(() -> SERVICE.deserialize(withChunks(s, extra), "sess")).hasMessageContaining("beyond");
    }

    @Test
    void wrongDigestOrManifestIsRefused() {
        SerializedSnapshot s = SERVICE.serialize(SNAPSHOT);
        byte[] d = s.digest().toByteArray();
        d[0] ^= 1;
        assertCorrupt(() -> SERVICE.deserialize(new SerializedSnapshot(s.manifest(), s.chunks(), Bytes.unsafeWrap(d)),
                "sess")).hasMessageContaining("digest");

        SnapshotManifest m = s.manifest();
        SnapshotManifest other = new SnapshotManifest(Compression.GZIP, m.chunkSize(), m.chunkCount(), m.rawSize());
        assertCorrupt(() -> SERVICE.deserialize(new SerializedSnapshot(other, s.chunks(), s.digest()), "sess"));
    }

    @Test
    void anotherSessionIsRefused() {
        SerializedSnapshot s = SERVICE.serialize(SNAPSHOT);
        assertCorrupt(() -> SERVICE.deserialize(s, "other")).hasMessageContaining("belongs to session 'sess'");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void framesRoundTripAndEveryManifestByteFlipIsCaught(Compression c) {
        try (SerializationService service = new SerializationService(
                SerializationConfig.builder().compression(c).chunkSize(16 * 1024).build())) {
            SerializedSnapshot s = service.serialize(SNAPSHOT);
            byte[] manifest = s.manifest().encode();
            assertThat(SnapshotManifest.decode(manifest)).isEqualTo(s.manifest());
            for (int i = 0; i < manifest.length; i++) {
                byte[] bad = manifest.clone();
                bad[i] ^= 0x01;
                assertCorrupt(() -> {
                    SnapshotManifest forged = SnapshotManifest.decode(bad);
                    service.deserialize(new SerializedSnapshot(forged, s.chunks(), s.digest()), "sess");
                });
            }
            List<SnapshotChunk> reparsed = s.chunks().stream().map(ch -> SnapshotChunk.fromFrame(ch.toFrame())).toList();
            assertThat(reparsed).isEqualTo(s.chunks());
            assertThat(service.deserialize(withChunks(s, reparsed), "sess")).isEqualTo(SNAPSHOT);
        }
    }

    @Test
    void malformedChunkFramesAreCorruption() {
        byte[] frame = SnapshotChunk.of(3, new byte[] {1, 2, 3}).toFrame();
        assertCorrupt(() -> SnapshotChunk.fromFrame(java.util.Arrays.copyOf(frame, frame.length - 1)));
        assertCorrupt(() -> SnapshotChunk.fromFrame(java.util.Arrays.copyOf(frame, frame.length + 1)));
        assertCorrupt(() -> SnapshotManifest.decode(new byte[] {1, 2, 3}));
    }

    @Test
    void codecMismatchAndBadCompressedDataAreCorruption() {
        for (Compression c : List.of(Compression.GZIP, Compression.ZSTD)) {
            try (SerializationService service = new SerializationService(
                    SerializationConfig.builder().compression(c).chunkSize(16 * 1024).build())) {
                SerializedSnapshot s = service.serialize(SNAPSHOT);
                List<SnapshotChunk> chunks = new ArrayList<>(s.chunks());
                byte[] p = chunks.get(0).payload().toByteArray();
                p[p.length / 2] ^= 0x55; // damage inside the compressed data, valid CRC
                chunks.set(0, SnapshotChunk.of(0, p));
                // the digest catches it first on the caller; decompression errors surface as corruption too
                assertCorrupt(() -> service.deserialize(withChunks(s, chunks), "sess"));

                BlockCodec codec = new BlockCodec(c, c.defaultLevel(), 1);
                byte[] truncated = java.util.Arrays.copyOf(p, p.length - 3);
                assertCorrupt(() -> codec.decompress(truncated, 0, truncated.length, 16 * 1024, c));
                byte[] wrongCodec = s.chunks().get(0).payload().toByteArray();
                wrongCodec[0] = (byte) (c == Compression.GZIP ? Compression.ZSTD.id() : Compression.GZIP.id());
                assertCorrupt(() -> codec.decompress(wrongCodec, 0, wrongCodec.length, 16 * 1024, c));
                byte[] good = s.chunks().get(0).payload().toByteArray();
                assertCorrupt(() -> codec.decompress(good, 0, good.length, 16 * 1024 - 1, c)); // size mismatch
                codec.close();
            }
        }
    }

    @Test
    void configIsValidated() {
        assertThatThrownBy(() -> SerializationConfig.builder().chunkSize(100).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunkSize");
        assertThatThrownBy(() -> SerializationConfig.builder().compression(Compression.GZIP).level(12).build())
                .hasMessageContaining("GZIP level must be 1..9");
        assertThatThrownBy(() -> SerializationConfig.builder().maxSnapshotBytes(0).build())
                .hasMessageContaining("maxSnapshotBytes");
        SerializationConfig d = SerializationConfig.defaults();
        assertThat(d.compression()).isEqualTo(Compression.ZSTD);
        assertThat(d.chunkSize()).isEqualTo(1024 * 1024);
        assertThat(d.maxSnapshotBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(d.toBuilder().build()).isEqualTo(d);
    }
}
