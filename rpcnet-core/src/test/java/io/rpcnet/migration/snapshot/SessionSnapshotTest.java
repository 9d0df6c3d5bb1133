package io.rpcnet.migration.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rpcnet.migration.TestSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionSnapshotTest {

    private static final Instant AT = Instant.parse("2026-11-02T10:00:00Z");

    @Test
    void buildsImmutableSortedSnapshot() {
        byte[] value = {1, 2, 3};
        SessionSnapshot s = SessionSnapshot.builder("s-1").capturedAt(AT).version(7)
                .attribute("b", value).attribute("a", Bytes.ofUtf8("x"))
                .bufferedData(9, Bytes.ofUtf8("late")).bufferedData(2, Bytes.ofUtf8("early"))
                .applicationState("cart", Bytes.ofUtf8("{}"))
                .build();
        value[0] = 99; // the builder copied it

        assertThat(s.sessionId()).isEqualTo("s-1");
        assertThat(s.version()).isEqualTo(7);
        assertThat(s.capturedAt()).isEqualTo(AT);
        assertThat(s.attributes().keySet()).containsExactly("a", "b");
        assertThat(s.attributes().get("b").toByteArray()).containsExactly(1, 2, 3);
        assertThat(s.bufferedData().keySet()).containsExactly(2L, 9L);
        assertThat(s.stateBytes()).isEqualTo(1 + 3 + 4 + 5 + 2);
        assertThatThrownBy(() -> s.attributes().put("c", Bytes.empty()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(s.toString()).contains("s-1").doesNotContain("late");
    }

    @Test
    void checksumAndSizeDescribeTheCanonicalEncoding() throws IOException {
        SessionSnapshot s = TestSnapshots.ofSize("sess", 10_000, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotCodec.write(s, out);
        assertThat(out.size()).isEqualTo(s.encodedSize());

        // same content built in another order: same checksum, equal snapshots
        SessionSnapshot.Builder b = SessionSnapshot.builder("sess").capturedAt(s.capturedAt()).version(s.version());
        s.applicationState().entrySet().stream().sorted(Map.Entry.<String, Bytes>comparingByKey().reversed())
                .forEach(e -> b.applicationState(e.getKey(), e.getValue()));
        s.bufferedData().forEach(b::bufferedData);
        s.attributes().forEach(b::attribute);
        SessionSnapshot again = b.build();
        assertThat(again.checksum()).isEqualTo(s.checksum());
        assertThat(again).isEqualTo(s).hasSameHashCodeAs(s);

        SessionSnapshot changed = s.toBuilder().version(s.version() + 1).build();
        assertThat(changed.checksum()).isNotEqualTo(s.checksum());
    }

    @Test
    void rejectsInvalidParts() {
        assertThatThrownBy(() -> SessionSnapshot.builder(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SessionSnapshot.builder("s").build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("capturedAt");
        assertThatThrownBy(() -> SessionSnapshot.builder("s").version(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SessionSnapshot.builder("s").bufferedData(-1, Bytes.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SessionSnapshot.builder("s").applicationState("bad\nname", Bytes.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        String longName = "x".repeat(SessionSnapshot.MAX_ATTRIBUTE_NAME_BYTES + 1);
        assertThatThrownBy(() -> SessionSnapshot.builder("s").attribute(longName, Bytes.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most");
    }

    @Test
    void bytesAreImmutableValues() {
        byte[] raw = {5, 6, 7, 8};
        Bytes copy = Bytes.copyOf(raw, 1, 2);
        raw[1] = 0;
        assertThat(copy.toByteArray()).containsExactly(6, 7);
        assertThat(copy).isEqualTo(Bytes.copyOf(new byte[] {6, 7})).hasSameHashCodeAs(Bytes.copyOf(new byte[] {6, 7}));
        assertThat(copy.toHex()).isEqualTo("0607");
        assertThat(copy.asReadOnlyByteBuffer().isReadOnly()).isTrue();
        assertThat(copy.asReadOnlyByteBuffer().remaining()).isEqualTo(2);
        assertThat(copy.toString()).isEqualTo("Bytes[size=2]");
        assertThat(Bytes.copyOf(new byte[0])).isSameAs(Bytes.empty());
    }
}
