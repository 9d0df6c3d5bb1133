package io.rpcnet.migration.wire;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.internal.WireWriter;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionBytes;
import io.rpcnet.session.SessionChange;
import io.rpcnet.session.SessionDelta;
import io.rpcnet.session.SessionManager;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class DeltaCodecTest {

    private static final String ID = "session-1";

    private final SessionManager source = SessionManager.builder("worker-a").build();
    private final SessionManager target = SessionManager.builder("worker-b").build();

    private static SessionBytes bytes(String s) {
        return SessionBytes.copyOf(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A delta of session {@link #ID} from version 4 with one change of each kind. */
    private static SessionDelta everyKind() {
        return new SessionDelta(ID, 4, 7, false, List.of(
                new SessionChange.Put(5, "cart", bytes("[\"apple\"]")),
                new SessionChange.Remove(6, "coupon"),
                new SessionChange.ResponseCached(7, 1234567890123L, bytes("ok"))));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertCorrupt(byte[] encoded) {
        return assertThatThrownBy(() -> DeltaCodec.decode(encoded, ID))
                .isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.error()).isEqualTo(MigrationError.STATE_CORRUPTION));
    }

    /** A frame written field by field, for inputs {@link DeltaCodec#encode} would never produce. */
    private static byte[] frame(Consumer<WireWriter> body) {
        WireWriter w = new WireWriter(64);
        body.accept(w);
        return w.toByteArray();
    }

    private static WireWriter header(WireWriter w, long from, long to) {
        return w.writeByte(DeltaCodec.FORMAT_VERSION).writeString(ID).writeVarLong(from).writeVarLong(to).writeByte(0);
    }

    @Test
    void everyChangeKindRoundTrips() {
        SessionDelta delta = everyKind();
        byte[] encoded = DeltaCodec.encode(delta, null);
        DecodedDelta decoded = DeltaCodec.decode(encoded, ID);
        assertThat(decoded.delta()).isEqualTo(delta);
        assertThat(decoded.hasApplicationState()).isFalse();
        assertThat(decoded.applicationState()).isNull();
        assertThat(decoded.applicationStateOrEmpty()).isEmpty();
        assertThat(encoded.length).isLessThan(60); // compact: a handful of bytes besides the values
    }

    @Test
    void aDeltaOfALiveSessionAppliedOnTheTargetReproducesTheSourceState() {
        RpcSession s = source.create();
        s.put("a", 1);
        RpcSession staged = target.detached(s.state());
        long base = s.version();
        s.put("b", List.of("x", "y"));
        s.remove("a");
        s.cacheResponse(17, new byte[] {4, 5, 6});
        s.put("a", 2);

        DecodedDelta decoded = DeltaCodec.decode(DeltaCodec.encode(s.changesSince(base), Map.of()), s.id());
        staged.apply(decoded.delta());
        assertThat(staged.version()).isEqualTo(s.version());
        assertThat(staged.state().attributes()).isEqualTo(s.state().attributes());
        assertThat(staged.cachedResponse(17)).hasValueSatisfying(r -> assertThat(r).containsExactly(4, 5, 6));
        assertThat(decoded.hasApplicationState()).isTrue();
        assertThat(decoded.applicationState()).isEmpty();
    }

    @Test
    void anEmptyAndATruncatedDeltaRoundTrip() {
        SessionDelta empty = new SessionDelta(ID, 9, 9, false, List.of());
        assertThat(DeltaCodec.decode(DeltaCodec.encode(empty, null), ID).delta()).isEqualTo(empty);

        SessionDelta truncated = new SessionDelta(ID, 2, 3000, true, List.of());
        DecodedDelta decoded = DeltaCodec.decode(DeltaCodec.encode(truncated, null), ID);
        assertThat(decoded.delta()).isEqualTo(truncated);
        assertThat(decoded.delta().truncated()).isTrue();
        assertThat(decoded.delta().changes()).isEmpty();
    }

    @Test
    void applicationStateRoundTripsSortedWithEmptyAndLargeValues() {
        byte[] big = new byte[3 * 1024 * 1024];
        new Random(3).nextBytes(big);
        Map<String, Bytes> app = new LinkedHashMap<>();
        app.put("zeta", Bytes.copyOf(big));
        app.put("alpha", Bytes.empty());
        app.put("mid", Bytes.ofUtf8("m"));
        SessionDelta delta = new SessionDelta(ID, 0, 1, false,
                List.of(new SessionChange.Put(1, "blob", SessionBytes.copyOf(big))));

        DecodedDelta decoded = DeltaCodec.decode(DeltaCodec.encode(delta, app), ID);
        assertThat(decoded.applicationState()).containsOnlyKeys("alpha", "mid", "zeta");
        assertThat(decoded.applicationState().keySet()).containsExactly("alpha", "mid", "zeta");
        assertThat(decoded.applicationState().get("zeta").toByteArray()).isEqualTo(big);
        assertThat(decoded.applicationState().get("alpha").isEmpty()).isTrue();
        assertThat(decoded.delta()).isEqualTo(delta);
        assertThat(DeltaCodec.encode(delta, app)).isEqualTo(DeltaCodec.encode(delta, new TreeMap<>(app)));
    }

    @Test
    void everyTruncationOfAValidEncodingIsStateCorruption() {
        byte[] encoded = DeltaCodec.encode(everyKind(), Map.of("notes", Bytes.ofUtf8("n"), "cart", Bytes.empty()));
        assertThat(DeltaCodec.decode(encoded, ID).applicationState()).hasSize(2);
        for (int len = 0; len < encoded.length; len++) {
            byte[] cut = Arrays.copyOf(encoded, len);
            assertThatThrownBy(() -> DeltaCodec.decode(cut, ID)).as("cut at %d of %d", len, encoded.length)
                    .isInstanceOfSatisfying(MigrationException.class,
                            e -> assertThat(e.error()).isEqualTo(MigrationError.STATE_CORRUPTION));
        }
    }

    @Test
    void trailingBytesAWrongFormatAndAnotherSessionAreStateCorruption() {
        byte[] encoded = DeltaCodec.encode(everyKind(), null);
        assertCorrupt(Arrays.copyOf(encoded, encoded.length + 1)).hasMessageContaining("1 unexpected trailing bytes");

        byte[] otherFormat = encoded.clone();
        otherFormat[0] = 2;
        assertCorrupt(otherFormat).hasMessageContaining("format version 2, expected 1");

        assertThatThrownBy(() -> DeltaCodec.decode(encoded, "session-2"))
                .isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.error()).isEqualTo(MigrationError.STATE_CORRUPTION))
                .hasMessageContaining("delta of session session-2").hasMessageContaining("'session-1'");
    }

    @Test
    void versionsOutOfSequenceAndUnknownTagsAreStateCorruption() {
        assertCorrupt(frame(w -> header(w, 4, 6).writeByte(DeltaCodec.REMOVE).writeVarLong(5).writeString("a")
                .writeByte(DeltaCodec.REMOVE).writeVarLong(7).writeString("b").writeByte(0)))
                .hasMessageContaining("change has version 7, expected 6");
        assertCorrupt(frame(w -> header(w, 4, 5).writeByte(DeltaCodec.REMOVE).writeVarLong(4).writeString("a")
                .writeByte(0))).hasMessageContaining("change has version 4, expected 5");
        assertCorrupt(frame(w -> header(w, 4, 5).writeByte(9).writeVarLong(5).writeString("a").writeByte(0)))
                .hasMessageContaining("unknown change tag 9");
        assertCorrupt(frame(w -> header(w, 6, 5).writeByte(0)))
                .hasMessageContaining("toVersion 5 is below fromVersion 6");
        assertCorrupt(frame(w -> w.writeByte(1).writeString(ID).writeVarLong(0).writeVarLong(0).writeByte(2)
                .writeByte(0))).hasMessageContaining("truncated flag is 2");
        assertCorrupt(frame(w -> header(w, 0, 0).writeByte(7))).hasMessageContaining("application state flag is 7");
    }

    @Test
    void malformedNamesAreStateCorruption() {
        assertCorrupt(frame(w -> header(w, 0, 1).writeByte(DeltaCodec.REMOVE).writeVarLong(1)
                .writeLengthPrefixed(new byte[] {(byte) 0xC3, 0x28}).writeByte(0)))
                .hasMessageContaining("not valid UTF-8");
        assertCorrupt(frame(w -> header(w, 0, 0).writeByte(1).writeVarLong(2)
                .writeString("b").writeLengthPrefixed(new byte[0])
                .writeString("a").writeLengthPrefixed(new byte[0])))
                .hasMessageContaining("not strictly ascending");
        assertCorrupt(frame(w -> header(w, 0, 0).writeByte(1).writeVarLong(2)
                .writeString("a").writeLengthPrefixed(new byte[0])
                .writeString("a").writeLengthPrefixed(new byte[0])))
                .hasMessageContaining("not strictly ascending");
        assertCorrupt(frame(w -> header(w, 0, 0).writeByte(1).writeVarLong(1)
                .writeString("  ").writeLengthPrefixed(new byte[0]))).hasMessageContaining("handler name");
    }

    @Test
    void craftedHugeLengthsAndCountsFailFastWithoutAllocating() {
        Executable all = () -> {
            assertCorrupt(frame(w -> header(w, 0, 1).writeByte(DeltaCodec.PUT).writeVarLong(1).writeString("a")
                    .writeVarLong(Integer.MAX_VALUE - 8).writeByte(1)))
                    .hasMessageContaining("truncated value of change 1: need 2147483639 bytes, 1 left");
            assertCorrupt(frame(w -> header(w, 0, 1).writeByte(DeltaCodec.PUT).writeVarLong(1).writeString("a")
                    .writeVarLong(Long.MAX_VALUE))).hasMessageContaining("value of change 1 length is");
            assertCorrupt(frame(w -> header(w, 0, Long.MAX_VALUE).writeByte(0)))
                    .hasMessageContaining("need " + Long.MAX_VALUE + " changes but only 1 bytes follow");
            assertCorrupt(frame(w -> w.writeByte(1).writeVarLong(Integer.MAX_VALUE)))
                    .hasMessageContaining("session id length is 2147483647, at most 1024 allowed");
            assertCorrupt(frame(w -> header(w, 0, 0).writeByte(1).writeVarLong(Integer.MAX_VALUE)))
                    .hasMessageContaining("application state count is 2147483647");
            assertCorrupt(frame(w -> header(w, 0, 0).writeByte(1).writeVarLong(1).writeString("h")
                    .writeVarLong(Integer.MAX_VALUE - 8))).hasMessageContaining("truncated application state");
            assertCorrupt(frame(w -> header(w, 0, 1).writeByte(DeltaCodec.REMOVE).writeVarLong(1)
                    .writeVarLong(1 << 20))).hasMessageContaining("attribute name of change 1");
            byte[] overlong = new byte[12];
            Arrays.fill(overlong, (byte) 0xFF);
            assertCorrupt(frame(w -> w.writeByte(1).writeString(ID).writeBytes(overlong)))
                    .hasMessageContaining("fromVersion");
        };
        assertTimeoutPreemptively(Duration.ofSeconds(5), all);
    }

    @Test
    void encodeRefusesWhatItCannotWriteFaithfully() {
        SessionDelta gap = new SessionDelta(ID, 0, 2, false, List.of(new SessionChange.Remove(1, "a"),
                new SessionChange.Remove(3, "b")));
        assertThatThrownBy(() -> DeltaCodec.encode(gap, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("change 1 of session session-1 has version 3, expected 2");
        SessionDelta negativeCall = new SessionDelta(ID, 0, 1, false,
                List.of(new SessionChange.ResponseCached(1, -1, bytes("x"))));
        assertThatThrownBy(() -> DeltaCodec.encode(negativeCall, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("call id must be >= 0, got -1");
        SessionDelta lonelySurrogate = new SessionDelta(ID, 0, 1, false,
                List.of(new SessionChange.Remove(1, "bad\uD800")));
        assertThatThrownBy(() -> DeltaCodec.encode(lonelySurrogate, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid Unicode");
        SessionDelta negative = new SessionDelta(ID, -2, -1, false, List.of(new SessionChange.Remove(-1, "a")));
        assertThatThrownBy(() -> DeltaCodec.encode(negative, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no valid version range");
        SessionDelta fine = new SessionDelta(ID, 0, 0, false, List.of());
        assertThatThrownBy(() -> DeltaCodec.encode(fine, Map.of(" ", Bytes.empty())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handler name must not be blank");
        assertThatThrownBy(() -> DeltaCodec.encode(new SessionDelta("", 0, 0, false, List.of()), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionId must not be blank");
    }
}
