package io.rpcnet.migration.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
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
 * GZIP blocks from both engines (ISA-L where it loads, java.util.zip always) at every size and kind of data:
 * each is a standard gzip member that {@link GZIPInputStream} and a raw {@link Inflater} decode, both
 * engines' decoders restore it, and both reject damaged members.
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
            assumeTrue(Isal.available(), "ISA-L native library not available here");
        }
        BlockCodec codec = new BlockCodec(Compression.GZIP, level, 2, engine.equals("isal"));
        assertThat(codec.gzip().deflatesWithIsal()).isEqualTo(engine.equals("isal") && Isal.supportsLevel(level));
        assertThat(codec.gzip().inflatesWithIsal()).isEqualTo(engine.equals("isal"));
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
            try (BlockCodec isalDecoder = new BlockCodec(Compression.GZIP, 1, 1, true);
                 BlockCodec zlibDecoder = new BlockCodec(Compression.GZIP, 1, 1, false)) {
                for (BlockCodec decoder : List.of(codec, isalDecoder, zlibDecoder)) {
                    BlockCodec.Slice back = decoder.decompress(payload, 0, payload.length, size, Compression.GZIP);
                    assertThat(bytes(back)).isEqualTo(raw);
                }
            }
        }
    }

    @Test
    void bothDecodersRejectDamagedMembers() {
        byte[] raw = data("mixed", 100 * KIB, 5);
        List<String> engines = Isal.available() ? List.of("isal", "zlib") : List.of("zlib");
        for (String engine : engines) {
            try (BlockCodec codec = codec(engine, 1)) {
                BlockCodec.Slice c = codec.compress(raw, 0, raw.length);
                byte[] good = Arrays.copyOfRange(c.array(), c.offset(), c.offset() + c.length());
                int trailer = good.length - 8;
                for (String engine2 : engines) {
                    try (BlockCodec decoder = codec(engine2, 1)) {
                        String what = engine + " member, " + engine2 + " decoder: ";
                        assertCorrupt(decoder, Arrays.copyOf(good, trailer - 3), raw.length, what + "truncated");
                        assertCorrupt(decoder, withInserted(good, trailer, new byte[16]), raw.length,
                                what + "bytes after the final block");
                        byte[] stray = withInserted(good, trailer, new byte[] {1, 2, 3});
                        if (decoder.gzip().inflatesWithIsal()) {
                            // ISA-L's bit reader swallows a few stray bytes; the data must still be exact
                            assertThat(bytes(decoder.decompress(stray, 0, stray.length, raw.length, Compression.GZIP)))
                                    .isEqualTo(raw);
                        } else {
                            assertCorrupt(decoder, stray, raw.length, what + "a few bytes after the final block");
                        }
                        assertCorrupt(decoder, good, raw.length - 1, what + "shorter than the manifest says");
                        assertCorrupt(decoder, good, raw.length + 1, what + "longer than the manifest says");
                        byte[] badCrc = good.clone();
                        badCrc[trailer] ^= 1;
                        assertCorrupt(decoder, badCrc, raw.length, what + "wrong CRC");
                        byte[] damaged = good.clone();
                        damaged[good.length / 2] ^= 0x55;
                        assertCorrupt(decoder, damaged, raw.length, what + "damaged data");
                        byte[] empty = withInserted(Arrays.copyOf(good, 11), 11, Arrays.copyOfRange(good, trailer, good.length));
                        assertCorrupt(decoder, empty, raw.length, what + "no deflate data");
                    }
                }
            }
        }
    }

    @Test
    void garbageNeverGetsPastEitherDecoder() {
        byte[] raw = data("json", 64 * KIB, 6);
        Random r = new Random(42);
        for (boolean isal : List.of(true, false)) {
            try (BlockCodec codec = new BlockCodec(Compression.GZIP, 1, 1, isal)) {
                BlockCodec.Slice c = codec.compress(raw, 0, raw.length);
                byte[] good = Arrays.copyOfRange(c.array(), c.offset(), c.offset() + c.length());
                for (int i = 0; i < 300; i++) {
                    byte[] bad = good.clone();
                    int flips = 1 + r.nextInt(4);
                    for (int f = 0; f < flips; f++) {
                        bad[11 + r.nextInt(bad.length - 19)] ^= (byte) (1 + r.nextInt(255)); // the deflate data
                    }
                    assertRejectedOrExact(codec, bad, raw);
                }
                for (int i = 0; i < 100; i++) {
                    byte[] junk = TestSnapshots.random(19 + r.nextInt(4 * KIB), r);
                    System.arraycopy(good, 0, junk, 0, 11);
                    assertRejectedOrExact(codec, junk, raw);
                }
            }
        }
    }

    /** Damage either fails as corruption or, if it slipped through the decoder, the CRC-32 held: exact data. */
    private static void assertRejectedOrExact(BlockCodec decoder, byte[] payload, byte[] raw) {
        try {
            assertThat(bytes(decoder.decompress(payload, 0, payload.length, raw.length, Compression.GZIP))).isEqualTo(raw);
        } catch (MigrationException e) {
            assertThat(e.error()).isEqualTo(MigrationError.STATE_CORRUPTION);
        }
    }

    private static void assertCorrupt(BlockCodec decoder, byte[] payload, int rawLength, String what) {
        assertThatThrownBy(() -> decoder.decompress(payload, 0, payload.length, rawLength, Compression.GZIP))
                .as(what).isInstanceOf(MigrationException.class)
                .satisfies(e -> assertThat(((MigrationException) e).error()).isEqualTo(MigrationError.STATE_CORRUPTION));
    }

    private static byte[] withInserted(byte[] b, int at, byte[] extra) {
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(b, at, out, at + extra.length, b.length - at);
        return out;
    }

    private static byte[] bytes(BlockCodec.Slice s) {
        return Arrays.copyOfRange(s.array(), s.offset(), s.offset() + s.length());
    }

    @Test
    void isalLoadsOnLinuxX86_64() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")));
        assumeTrue(!"false".equals(System.getProperty(Isal.ENABLED_PROPERTY)));
        assertThat(Isal.available()).as("GKL bundles ISA-L for Linux x86_64").isTrue();
        try (BlockCodec codec = new BlockCodec(Compression.GZIP, 1, 1)) {
            assertThat(codec.gzip().deflatesWithIsal()).isTrue();
            assertThat(codec.gzip().inflatesWithIsal()).isTrue();
        }
    }

    @Test
    void everyLevelAndOffsetDecodes() throws Exception {
        byte[] raw = data("mixed", 200 * KIB + 5, 7);
        int off = 3;
        byte[] shifted = new byte[raw.length + off + 11];
        System.arraycopy(raw, 0, shifted, off, raw.length);
        for (String engine : List.of("isal", "zlib")) {
            if (engine.equals("isal") && !Isal.available()) {
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
            if (engine.equals("isal") && !Isal.available()) {
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
        assertThat(Isal.load(() -> {
            throw new UnsatisfiedLinkError("libgkl_compression.so: wrong ELF class");
        })).isFalse();
        assertThat(Isal.load(() -> {
            throw new NoClassDefFoundError("org/apache/commons/io/FileUtils");
        })).isFalse();
        assertThat(Isal.load(() -> false)).isFalse();
        assertThat(Isal.load(() -> true)).isTrue();

        byte[] raw = data("mixed", 100 * KIB, 3);
        try (BlockCodec zlib = new BlockCodec(Compression.GZIP, 1, 1, false);
             BlockCodec level6 = new BlockCodec(Compression.GZIP, 6, 1, true)) {
            assertThat(zlib.gzip().deflatesWithIsal()).isFalse();
            assertThat(zlib.gzip().inflatesWithIsal()).isFalse();
            assertThat(level6.gzip().deflatesWithIsal()).as("ISA-L only has levels 1 and 2").isFalse();
            assertThat(level6.gzip().inflatesWithIsal()).isEqualTo(Isal.available());
            for (BlockCodec codec : List.of(zlib, level6)) {
                BlockCodec.Slice c = codec.compress(raw, 0, raw.length);
                BlockCodec.Slice back = codec.decompress(c.array(), c.offset(), c.length(), raw.length, Compression.GZIP);
                assertThat(bytes(back)).isEqualTo(raw);
            }
        }
    }

    @Test
    void gzipServiceOnIsalRoundTripsSnapshots() {
        assumeTrue(Isal.available());
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
