package io.rpcnet.migration.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rpcnet.migration.TestSnapshots;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GZIP blocks from both deflaters (ISA-L where it loads, java.util.zip always) at every size and kind of
 * data: each is a standard gzip member that {@link GZIPInputStream} and a raw {@link Inflater} decode, and
 * the codec's own strict decoder restores it.
 */
class GzipCodecTest {

    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final int[] SIZES = {0, 1, 19, 20, 21, 100, KIB, 64 * KIB - 1, 64 * KIB + 1, 300 * KIB + 7, MIB};

    static Stream<Arguments> matrix() {
        List<Arguments> args = new ArrayList<>();
        for (String engine : List.of("isal", "zlib")) {
            for (String kind : List.of("mixed", "json", "random", "zeros")) {
                for (int size : SIZES) {
                    args.add(Arguments.of(engine, kind, size));
                }
            }
        }
        return args.stream();
    }

    /** Session-like data: JSON, binary records and random bytes, in 8 KiB runs. */
    static byte[] data(String kind, int size, long seed) {
        Random r = new Random(seed);
        return switch (kind) {
            case "json" -> TestSnapshots.json(size, r);
            case "random" -> TestSnapshots.random(size, r);
            case "zeros" -> new byte[size];
            default -> {
                byte[] b = new byte[size];
                for (int off = 0, i = 0; off < size; off += 8 * KIB, i++) {
                    int n = Math.min(8 * KIB, size - off);
                    byte[] part = switch (i % 3) {
                        case 0 -> TestSnapshots.json(n, r);
                        case 1 -> TestSnapshots.binary(n, r);
                        default -> TestSnapshots.random(n, r);
                    };
                    System.arraycopy(part, 0, b, off, n);
                }
                yield b;
            }
        };
    }

    private static BlockCodec codec(String engine, int level) {
        if (engine.equals("isal")) {
            assumeTrue(IsalDeflate.available(), "ISA-L native library not available here");
        }
        BlockCodec codec = new BlockCodec(Compression.GZIP, level, 2, engine.equals("isal"));
        assertThat(codec.gzipUsesIsal()).isEqualTo(engine.equals("isal") && IsalDeflate.supportsLevel(level));
        return codec;
    }

    @ParameterizedTest(name = "{0} {1} {2} B")
    @MethodSource("matrix")
    void blocksRoundTripThroughStandardDecoders(String engine, String kind, int size) throws Exception {
        byte[] raw = data(kind, size, size);
        try (BlockCodec codec = codec(engine, 1)) {
            BlockCodec.Slice c = codec.compress(raw, 0, raw.length);
            byte[] payload = Arrays.copyOfRange(c.array(), c.offset(), c.offset() + c.length());
            assertThat(payload.length).isLessThanOrEqualTo(size + 1);
            if (payload[0] == BlockCodec.STORED) {
                assertThat(kind.equals("random") || size <= 100).as("only tiny or random blocks are stored").isTrue();
            } else {
                assertThat(payload[0]).isEqualTo((byte) Compression.GZIP.id());
                byte[] member = Arrays.copyOfRange(payload, 1, payload.length);
                assertThat(gunzipStream(member)).isEqualTo(raw);
                assertThat(inflateRaw(member, size)).isEqualTo(raw);
            }
            if (size >= 64 * KIB && !kind.equals("random")) {
                assertThat(payload.length).isLessThan(kind.equals("mixed") ? size * 3 / 4 : size / 2);
            }
            BlockCodec.Slice back = codec.decompress(payload, 0, payload.length, size, Compression.GZIP);
            assertThat(Arrays.copyOfRange(back.array(), back.offset(), back.offset() + back.length())).isEqualTo(raw);
        }
    }

    @Test
    void isalLoadsOnLinuxX86_64() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")));
        assumeTrue(!"false".equals(System.getProperty(IsalDeflate.ENABLED_PROPERTY)));
        assertThat(IsalDeflate.available()).as("GKL bundles ISA-L for Linux x86_64").isTrue();
        try (BlockCodec codec = new BlockCodec(Compression.GZIP, 1, 1)) {
            assertThat(codec.gzipUsesIsal()).isTrue();
        }
    }

    @Test
    void everyLevelAndOffsetDecodes() throws Exception {
        byte[] raw = data("mixed", 200 * KIB + 5, 7);
        int off = 3;
        byte[] shifted = new byte[raw.length + off + 11];
        System.arraycopy(raw, 0, shifted, off, raw.length);
        for (String engine : List.of("isal", "zlib")) {
            if (engine.equals("isal") && !IsalDeflate.available()) {
                continue;
            }
            for (int level = Compression.GZIP.minLevel(); level <= Compression.GZIP.maxLevel(); level++) {
                try (BlockCodec codec = codec(engine, level)) {
                    for (int o : new int[] {0, off}) {
                        BlockCodec.Slice c = codec.compress(o == 0 ? raw : shifted, o, raw.length);
                        assertThat(c.array()[c.offset()]).isEqualTo((byte) Compression.GZIP.id());
                        byte[] member = Arrays.copyOfRange(c.array(), c.offset() + 1, c.offset() + c.length());
                        assertThat(gunzipStream(member)).as("%s level %d offset %d", engine, level, o).isEqualTo(raw);
                    }
                }
            }
        }
    }

    @Test
    void largestChunkRoundTrips() throws Exception {
        byte[] raw = data("mixed", SerializationConfig.MAX_CHUNK_SIZE, 16);
        for (String engine : List.of("isal", "zlib")) {
            if (engine.equals("isal") && !IsalDeflate.available()) {
                continue;
            }
            try (BlockCodec codec = codec(engine, 1)) {
                BlockCodec.Slice c = codec.compress(raw, 0, raw.length);
                byte[] member = Arrays.copyOfRange(c.array(), c.offset() + 1, c.offset() + c.length());
                assertThat(inflateRaw(member, raw.length)).isEqualTo(raw);
            }
        }
    }

    @Test
    void aLibraryThatDoesNotLoadLeavesGzipOnJavaUtilZip() {
        assertThat(IsalDeflate.load(() -> {
            throw new UnsatisfiedLinkError("libgkl_compression.so: wrong ELF class");
        })).isFalse();
        assertThat(IsalDeflate.load(() -> {
            throw new NoClassDefFoundError("org/apache/commons/io/FileUtils");
        })).isFalse();
        assertThat(IsalDeflate.load(() -> false)).isFalse();
        assertThat(IsalDeflate.load(() -> true)).isTrue();

        byte[] raw = data("mixed", 100 * KIB, 3);
        try (BlockCodec zlib = new BlockCodec(Compression.GZIP, 1, 1, false);
             BlockCodec level6 = new BlockCodec(Compression.GZIP, 6, 1, true)) {
            assertThat(zlib.gzipUsesIsal()).isFalse();
            assertThat(level6.gzipUsesIsal()).as("ISA-L only has levels 1 and 2").isFalse();
            for (BlockCodec codec : List.of(zlib, level6)) {
                BlockCodec.Slice c = codec.compress(raw, 0, raw.length);
                BlockCodec.Slice back = codec.decompress(c.array(), c.offset(), c.length(), raw.length, Compression.GZIP);
                assertThat(Arrays.copyOfRange(back.array(), back.offset(), back.offset() + back.length())).isEqualTo(raw);
            }
        }
    }

    @Test
    void gzipServiceOnIsalRoundTripsSnapshots() {
        assumeTrue(IsalDeflate.available());
        var snapshot = TestSnapshots.ofSize("s", 3 * MIB + 5, 9);
        try (SerializationService service = new SerializationService(
                SerializationConfig.builder().compression(Compression.GZIP).parallelism(2).build())) {
            SerializedSnapshot serialized = service.serialize(snapshot);
            assertThat(serialized.payloadBytes()).isLessThan(serialized.manifest().rawSize() * 9 / 10);
            assertThat(service.deserialize(serialized, "s")).isEqualTo(snapshot);
        }
    }

    private static byte[] gunzipStream(byte[] member) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(member))) {
            return in.readAllBytes();
        }
    }

    /** The deflate data between the 10-byte header and the 8-byte trailer, by a raw Inflater. */
    private static byte[] inflateRaw(byte[] member, int size) throws DataFormatException {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(member, 10, member.length - 18);
            byte[] out = new byte[size];
            int n = 0;
            while (!inf.finished()) {
                int k = inf.inflate(out, n, out.length - n);
                assertThat(k > 0 || inf.finished() || !inf.needsInput()).as("stream ended early").isTrue();
                n += k;
            }
            assertThat(n).isEqualTo(size);
            assertThat(inf.getRemaining()).isZero();
            return out;
        } finally {
            inf.end();
        }
    }
}
