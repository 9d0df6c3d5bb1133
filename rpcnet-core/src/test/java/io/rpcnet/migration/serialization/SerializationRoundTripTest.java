package io.rpcnet.migration.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import io.rpcnet.migration.TestSnapshots;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import com.github.luben.zstd.Zstd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every compression x chunk size x state size from 0 B to 10 MiB survives the round trip intact. */
class SerializationRoundTripTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final int[] SIZES = {0, 1, KIB - 1, KIB, 64 * KIB + 3, MIB, 10 * MIB};
    private static final int[] CHUNK_SIZES = {KIB, 64 * KIB, MIB};
    private static final Map<Integer, SessionSnapshot> SNAPSHOTS = new ConcurrentHashMap<>();
    private static final Map<String, SerializationService> SERVICES = new ConcurrentHashMap<>();

    static Stream<Arguments> matrix() {
        List<Arguments> args = new ArrayList<>();
        for (Compression c : Compression.values()) {
            for (int chunk : CHUNK_SIZES) {
                for (int size : SIZES) {
                    args.add(Arguments.of(c, chunk, size));
                }
            }
        }
        return args.stream();
    }

    private static SessionSnapshot snapshot(int size) {
        return SNAPSHOTS.computeIfAbsent(size, s -> TestSnapshots.ofSize("session-" + s, s, s));
    }

    private static SerializationService service(Compression c, int chunk) {
        return SERVICES.computeIfAbsent(c + "/" + chunk, k -> new SerializationService(
                SerializationConfig.builder().compression(c).chunkSize(chunk).parallelism(2).build()));
    }

    @AfterAll
    static void close() {
        SERVICES.values().forEach(SerializationService::close);
        SNAPSHOTS.clear();
    }

    @ParameterizedTest(name = "{0} chunk={1} size={2}")
    @MethodSource("matrix")
    void roundTrips(Compression compression, int chunkSize, int size) {
        SessionSnapshot snapshot = snapshot(size);
        assertThat(snapshot.stateBytes()).isEqualTo(size);
        SerializationService service = service(compression, chunkSize);

        SerializedSnapshot serialized = service.serialize(snapshot);

        SnapshotManifest m = serialized.manifest();
        assertThat(m.rawSize()).isEqualTo(snapshot.encodedSize());
        assertThat(m.compression()).isEqualTo(compression);
        assertThat(serialized.chunks()).hasSize(m.chunkCount());
        for (int i = 0; i < m.chunkCount(); i++) {
            SnapshotChunk c = serialized.chunks().get(i);
            assertThat(c.sequence()).isEqualTo(i);
            assertThat(c.crcMatches()).isTrue();
            assertThat(c.payloadSize()).isLessThanOrEqualTo(m.blockSize(i) + 1);
        }
        if (compression != Compression.NONE && size >= 64 * KIB) {
            assertThat(serialized.payloadBytes()).isLessThan(m.rawSize() * 9 / 10);
        }
        assertThat(serialized.digest().size()).isEqualTo(32);

        SessionSnapshot back = service.deserialize(serialized, snapshot.sessionId());
        assertThat(back).isEqualTo(snapshot);
        assertThat(back.checksum()).isEqualTo(snapshot.checksum());
    }

    @Test
    void streamsFromSerializerStraightIntoReceiver() {
        SessionSnapshot snapshot = snapshot(MIB);
        try (SerializationService service = new SerializationService(
                SerializationConfig.builder().chunkSize(64 * KIB).parallelism(3).build())) {
            SnapshotReceiver receiver = service.newReceiver(snapshot.sessionId(), PayloadTransform.IDENTITY);
            service.serialize(snapshot, PayloadTransform.IDENTITY, receiver);
            assertThat(receiver.result()).isEqualTo(snapshot);
        }
    }

    @Test
    void parallelismOneRunsOnTheCaller() {
        SessionSnapshot snapshot = snapshot(MIB);
        try (SerializationService service = new SerializationService(
                SerializationConfig.builder().compression(Compression.GZIP).chunkSize(16 * KIB).parallelism(1).build())) {
            List<String> threads = new ArrayList<>();
            SerializedSnapshot.Collector collector = SerializedSnapshot.collector();
            service.serialize(snapshot, new PayloadTransform() {
                @Override
                public byte[] seal(byte[] plain, int off, int len, int sequence, int chunkCount) {
                    threads.add(Thread.currentThread().getName());
                    return PayloadTransform.IDENTITY.seal(plain, off, len, sequence, chunkCount);
                }

                @Override
                public byte[] open(byte[] sealed, int sequence, int chunkCount) {
                    return sealed;
                }
            }, collector);
            assertThat(threads).isNotEmpty().containsOnly(Thread.currentThread().getName());
            assertThat(service.deserialize(collector.result(), null)).isEqualTo(snapshot);
        }
    }

    @Test
    void chunkPayloadsAreStandardGzipMembersAndZstdFrames() throws IOException {
        SessionSnapshot snapshot = snapshot(64 * KIB + 3);
        for (Compression c : List.of(Compression.GZIP, Compression.ZSTD)) {
            SerializedSnapshot s = service(c, 64 * KIB).serialize(snapshot);
            SnapshotChunk first = s.chunks().get(0);
            byte[] payload = first.payload().toByteArray();
            assertThat(payload[0]).isEqualTo((byte) c.id());
            byte[] data = java.util.Arrays.copyOfRange(payload, 1, payload.length);
            byte[] raw = c == Compression.GZIP
                    ? new GZIPInputStream(new ByteArrayInputStream(data)).readAllBytes()
                    : Zstd.decompress(data, s.manifest().blockSize(0));
            assertThat(raw).hasSize(s.manifest().blockSize(0));
            assertThat(new String(raw, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RNSS");
        }
    }

    @Test
    void incompressibleChunksAreStored() {
        SessionSnapshot random = SessionSnapshot.builder("r").capturedAt(TestSnapshots.CAPTURED_AT)
                .attribute("blob", TestSnapshots.random(300 * KIB, new java.util.Random(1))).build();
        for (Compression c : Compression.values()) {
            SerializedSnapshot s = service(c, 64 * KIB).serialize(random);
            assertThat(s.chunks()).allSatisfy(ch -> assertThat(ch.payload().byteAt(0)).isZero());
            assertThat(service(c, 64 * KIB).deserialize(s, "r")).isEqualTo(random);
        }
    }
}
