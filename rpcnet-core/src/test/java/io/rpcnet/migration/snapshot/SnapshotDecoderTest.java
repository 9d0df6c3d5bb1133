package io.rpcnet.migration.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.TestSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotDecoderTest {

    private static byte[] encode(SessionSnapshot s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotCodec.write(s, out);
        return out.toByteArray();
    }

    private static SessionSnapshot decode(byte[] bytes, int piece, String expectedSession) {
        SnapshotDecoder d = new SnapshotDecoder(bytes.length, expectedSession);
        for (int off = 0; off < bytes.length; off += piece) {
            d.feed(bytes, off, Math.min(piece, bytes.length - off));
        }
        return d.finish();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64, 1000, Integer.MAX_VALUE})
    void decodesWhateverThePieceSize(int piece) throws IOException {
        SessionSnapshot s = TestSnapshots.ofSize("sess-1", 5_000, 3).toBuilder()
                .attribute("", Bytes.empty()).attribute("ünï", Bytes.ofUtf8("ç")).bufferedData(0, Bytes.empty())
                .capturedAt(Instant.parse("1969-07-20T20:17:40.5Z")).build();
        SessionSnapshot back = decode(encode(s), piece, "sess-1");
        assertThat(back).isEqualTo(s);
        assertThat(back.checksum()).isEqualTo(s.checksum());
        assertThat(back.encodedSize()).isEqualTo(s.encodedSize());
    }

    @Test
    void everySingleByteFlipIsDetected() throws IOException {
        SessionSnapshot s = SessionSnapshot.builder("s").capturedAt(TestSnapshots.CAPTURED_AT).version(3)
                .attribute("k", Bytes.ofUtf8("value")).bufferedData(5, Bytes.ofUtf8("resp"))
                .applicationState("h", Bytes.ofUtf8("st")).build();
        byte[] good = encode(s);
        for (int i = 0; i < good.length; i++) {
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) mask;
                int at = i;
                assertThatThrownBy(() -> decode(bad, 1, null))
                        .as("flip 0x%02x at byte %d", mask, at)
                        .isInstanceOf(MigrationException.class)
                        .extracting(e -> ((MigrationException) e).error()).isEqualTo(MigrationError.STATE_CORRUPTION);
            }
        }
    }

    @Test
    void refusesAnotherSession() throws IOException {
        byte[] bytes = encode(TestSnapshots.ofSize("alice", 100, 1));
        assertThatThrownBy(() -> decode(bytes, 10, "bob"))
                .isInstanceOf(MigrationException.class)
                .hasMessageContaining("belongs to session 'alice', not 'bob'")
                .extracting(e -> ((MigrationException) e).error()).isEqualTo(MigrationError.STATE_CORRUPTION);
    }

    @Test
    void refusesTruncatedAndTrailingInput() throws IOException {
        byte[] bytes = encode(TestSnapshots.ofSize("s", 300, 1));
        SnapshotDecoder truncated = new SnapshotDecoder(bytes.length, null);
        truncated.feed(bytes, 0, bytes.length - 1);
        assertThatThrownBy(truncated::finish).isInstanceOf(MigrationException.class).hasMessageContaining("truncated");

        SnapshotDecoder longer = new SnapshotDecoder(bytes.length + 1, null);
        longer.feed(bytes, 0, bytes.length);
        assertThatThrownBy(() -> longer.feed(new byte[1], 0, 1)).isInstanceOf(MigrationException.class)
                .hasMessageContaining("trailing");

        SnapshotDecoder exact = new SnapshotDecoder(bytes.length, null);
        assertThatThrownBy(() -> exact.feed(new byte[bytes.length + 1], 0, bytes.length + 1))
                .hasMessageContaining("more than the declared");
        // a failed decoder stays failed
        assertThatThrownBy(exact::finish).isInstanceOf(MigrationException.class);
    }

    @Test
    void hugeDeclaredLengthsFailWithoutAllocating() {
        // magic, version, session "s", time, version, then 1 attribute whose value claims 2 GB
        byte[] evil = {0x52, 0x4E, 0x53, 0x53, 1, 1, 's', 0, 0, 0, 1, 1, 'k', (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, 0x07};
        SnapshotDecoder d = new SnapshotDecoder(64, null);
        assertThatThrownBy(() -> d.feed(evil, 0, evil.length)).isInstanceOf(MigrationException.class)
                .hasMessageContaining("value length");
        byte[] manyEntries = {0x52, 0x4E, 0x53, 0x53, 1, 1, 's', 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 0x7F};
        SnapshotDecoder d2 = new SnapshotDecoder(64, null);
        assertThatThrownBy(() -> d2.feed(manyEntries, 0, manyEntries.length)).hasMessageContaining("entry count");
    }

    @Test
    void randomGarbageNeverDecodes() {
        Random r = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            byte[] junk = new byte[20 + r.nextInt(200)];
            r.nextBytes(junk);
            if (r.nextBoolean()) {
                System.arraycopy(SnapshotCodec.MAGIC, 0, junk, 0, 4);
                junk[4] = 1;
            }
            assertThatThrownBy(() -> decode(junk, 5, null)).isInstanceOf(MigrationException.class);
        }
    }
}
