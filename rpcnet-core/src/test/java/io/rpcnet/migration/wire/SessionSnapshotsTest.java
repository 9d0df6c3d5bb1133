package io.rpcnet.migration.wire;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.MigrationStateHandler;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import io.rpcnet.migration.snapshot.SnapshotCodec;
import io.rpcnet.migration.snapshot.SnapshotDecoder;
import io.rpcnet.migration.snapshot.StateHandlers;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionBytes;
import io.rpcnet.session.SessionManager;
import io.rpcnet.session.SessionState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionSnapshotsTest {

    private static final Instant AT = Instant.parse("2026-03-01T12:00:00.5Z");

    /** Application state kept outside the session, by session id. */
    static class Notes implements MigrationStateHandler {
        final Map<String, byte[]> bySession = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "notes";
        }

        @Override
        public byte[] capture(String sessionId) {
            byte[] b = bySession.get(sessionId);
            return b == null ? null : b.clone();
        }

        @Override
        public void restore(String sessionId, Bytes state) {
            bySession.put(sessionId, state.toByteArray());
        }
    }

    private final SessionManager source = SessionManager.builder("worker-a").maxCachedResponses(1000).build();

    private static SessionState roundTrip(SessionState state, String owner, long epoch) {
        return SessionSnapshots.toState(SessionSnapshots.capture(state, StateHandlers.none(), AT), owner, epoch);
    }

    @Test
    void anEmptyStateRoundTrips() {
        SessionState empty = new SessionState("s-empty", "worker-a", 1, 0, Map.of(), Map.of());
        SessionSnapshot snapshot = SessionSnapshots.capture(empty, StateHandlers.none(), AT);
        assertThat(snapshot.sessionId()).isEqualTo("s-empty");
        assertThat(snapshot.capturedAt()).isEqualTo(AT);
        assertThat(snapshot.version()).isZero();
        assertThat(snapshot.attributes()).isEmpty();
        assertThat(snapshot.bufferedData()).isEmpty();
        assertThat(snapshot.applicationState()).isEmpty();
        assertThat(SessionSnapshots.toState(snapshot, "worker-a", 1)).isEqualTo(empty);
    }

    @Test
    void manyAttributesAndCachedResponsesOfALiveSessionRoundTrip() {
        RpcSession s = source.create();
        for (int i = 0; i < 500; i++) {
            s.put("attr-" + i, Map.of("i", i, "text", "value " + i));
        }
        s.put("empty-string", "");
        s.remove("attr-7");
        s.cacheResponse(70, "seventy".getBytes(StandardCharsets.UTF_8));
        s.cacheResponse(3, new byte[0]);
        s.cacheResponse(12, new byte[] {1, 2, 3});
        SessionState state = s.state();

        SessionSnapshot snapshot = SessionSnapshots.capture(state, StateHandlers.none(), AT);
        assertThat(snapshot.version()).isEqualTo(state.version()).isEqualTo(505);
        assertThat(snapshot.attributes()).hasSize(500).doesNotContainKey("attr-7");
        assertThat(snapshot.attributes().get("attr-42").toByteArray())
                .isEqualTo(state.attributes().get("attr-42").toByteArray());
        assertThat(snapshot.bufferedData()).containsOnlyKeys(3L, 12L, 70L);
        assertThat(snapshot.bufferedData().get(70L)).isEqualTo(Bytes.ofUtf8("seventy"));
        assertThat(snapshot.bufferedData().get(3L).isEmpty()).isTrue();

        SessionState moved = SessionSnapshots.toState(snapshot, "worker-b", 2);
        assertThat(moved.sessionId()).isEqualTo(s.id());
        assertThat(moved.ownerWorkerId()).isEqualTo("worker-b");
        assertThat(moved.epoch()).isEqualTo(2);
        assertThat(moved.version()).isEqualTo(505);
        assertThat(moved.attributes()).isEqualTo(state.attributes());
        assertThat(moved.cachedResponses()).isEqualTo(state.cachedResponses());
        assertThat(moved.cachedResponses().keySet()).containsExactly(3L, 12L, 70L); // call-id order

        RpcSession target = SessionManager.builder("worker-b").build().importState(moved);
        assertThat(target.get("attr-42", Map.class)).containsEntry("i", 42).containsEntry("text", "value 42");
        assertThat(target.get("empty-string", String.class)).isEmpty();
        assertThat(target.cachedResponse(70)).hasValueSatisfying(r -> assertThat(r).isEqualTo(
                "seventy".getBytes(StandardCharsets.UTF_8)));
        assertThat(target.version()).isEqualTo(505);
    }

    @Test
    void largeValuesSurviveTheSnapshotCodecAndComeBackEqual() throws IOException {
        byte[] big = new byte[6 * 1024 * 1024];
        new Random(7).nextBytes(big);
        SessionState state = new SessionState("s-big", "worker-a", 3, 9,
                Map.of("blob", SessionBytes.copyOf(big), "small", SessionBytes.copyOf(new byte[] {9})),
                Map.of(1L << 40, SessionBytes.copyOf(big)));

        SessionSnapshot snapshot = SessionSnapshots.capture(state, StateHandlers.none(), AT);
        assertThat(snapshot.stateBytes()).isEqualTo(2L * big.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotCodec.write(snapshot, out);
        byte[] encoded = out.toByteArray();
        SnapshotDecoder decoder = new SnapshotDecoder(encoded.length, "s-big");
        decoder.feed(encoded, 0, encoded.length);
        SessionSnapshot received = decoder.finish();

        SessionState back = SessionSnapshots.toState(received, "worker-b", 4);
        assertThat(back).isEqualTo(new SessionState("s-big", "worker-b", 4, 9, state.attributes(),
                state.cachedResponses()));
        assertThat(back.attributes().get("blob").toByteArray()).isEqualTo(big);
    }

    @Test
    void applicationStateComesFromTheHandlersAndIsRestoredThroughThemNotTheState() {
        RpcSession s = source.create();
        s.put("cart", List.of("apple"));
        Notes onSource = new Notes();
        onSource.bySession.put(s.id(), "remember the milk".getBytes(StandardCharsets.UTF_8));
        onSource.bySession.put("another-session", new byte[] {1});

        SessionSnapshot snapshot = SessionSnapshots.capture(s.state(), new StateHandlers(List.of(onSource)), AT);
        assertThat(snapshot.applicationState()).containsOnlyKeys("notes");
        assertThat(snapshot.applicationState().get("notes")).isEqualTo(Bytes.ofUtf8("remember the milk"));

        SessionState state = SessionSnapshots.toState(snapshot, "worker-b", 2);
        assertThat(state.attributes()).containsOnlyKeys("cart");
        Notes onTarget = new Notes();
        new StateHandlers(List.of(onTarget)).restore(snapshot);
        assertThat(onTarget.bySession).containsOnlyKeys(s.id());
        assertThat(new String(onTarget.bySession.get(s.id()), StandardCharsets.UTF_8)).isEqualTo("remember the milk");
    }

    @Test
    void aFailingHandlerMakesTheSourceUnavailable() {
        MigrationStateHandler broken = new Notes() {
            @Override
            public byte[] capture(String sessionId) {
                throw new IllegalStateException("disk gone");
            }
        };
        SessionState state = source.create().state();
        assertThatThrownBy(() -> SessionSnapshots.capture(state, new StateHandlers(List.of(broken)), AT))
                .isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.error()).isEqualTo(MigrationError.SOURCE_UNAVAILABLE))
                .hasMessageContaining("handler 'notes' failed to capture").hasMessageContaining("disk gone");
    }

    @Test
    void stateThatBreaksASnapshotRuleIsRefusedPrecisely() {
        SessionState negativeCallId = new SessionState("s-1", "worker-a", 1, 1, Map.of(),
                Map.of(-5L, SessionBytes.copyOf(new byte[] {1})));
        assertThatThrownBy(() -> SessionSnapshots.capture(negativeCallId, StateHandlers.none(), AT))
                .isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.error()).isEqualTo(MigrationError.SOURCE_UNAVAILABLE))
                .hasMessageContaining("session 's-1' cannot be captured").hasMessageContaining("got -5");

        String longName = "n".repeat(SessionSnapshot.MAX_ATTRIBUTE_NAME_BYTES + 1);
        SessionState longAttribute = new SessionState("s-2", "worker-a", 1, 1,
                Map.of(longName, SessionBytes.copyOf(new byte[] {1})), Map.of());
        assertThatThrownBy(() -> SessionSnapshots.capture(longAttribute, StateHandlers.none(), AT))
                .isInstanceOfSatisfying(MigrationException.class,
                        e -> assertThat(e.error()).isEqualTo(MigrationError.SOURCE_UNAVAILABLE))
                .hasMessageContaining("attribute name is " + (SessionSnapshot.MAX_ATTRIBUTE_NAME_BYTES + 1));
    }

    @Test
    void toStateRefusesANegativeEpochAndNullArguments() {
        SessionSnapshot snapshot = SessionSnapshots.capture(source.create().state(), StateHandlers.none(), AT);
        assertThatThrownBy(() -> SessionSnapshots.toState(snapshot, "worker-b", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch");
        assertThatThrownBy(() -> SessionSnapshots.toState(snapshot, null, 1))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("ownerWorkerId");
        assertThatThrownBy(() -> SessionSnapshots.capture(null, StateHandlers.none(), AT))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("state");
        assertThat(roundTrip(source.create().state(), "worker-c", 7).epoch()).isEqualTo(7);
    }
}
