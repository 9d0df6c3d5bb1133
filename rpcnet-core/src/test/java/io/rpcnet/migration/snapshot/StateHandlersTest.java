package io.rpcnet.migration.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.TestSnapshots;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class StateHandlersTest {

    /** Keeps per-session state in a map; can be told to fail. */
    static class MapHandler implements MigrationStateHandler {
        final String name;
        final Map<String, String> state = new ConcurrentHashMap<>();
        final List<String> calls = new ArrayList<>();
        boolean failValidate;
        boolean failRestore;

        MapHandler(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public byte[] capture(String sessionId) {
            String v = state.get(sessionId);
            return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void validate(String sessionId, Bytes s) {
            calls.add("validate");
            if (failValidate) {
                throw new IllegalArgumentException("nope");
            }
        }

        @Override
        public void restore(String sessionId, Bytes s) {
            calls.add("restore");
            if (failRestore) {
                throw new IllegalStateException("disk full");
            }
            state.put(sessionId, new String(s.toByteArray(), StandardCharsets.UTF_8));
        }

        @Override
        public void discard(String sessionId) {
            calls.add("discard");
            state.remove(sessionId);
        }
    }

    private static SessionSnapshot capture(StateHandlers handlers, String session) {
        SessionSnapshot.Builder b = SessionSnapshot.builder(session).capturedAt(TestSnapshots.CAPTURED_AT);
        return handlers.captureInto(session, b).build();
    }

    @Test
    void capturesAndRestoresEveryHandler() {
        MapHandler cart = new MapHandler("cart");
        MapHandler prefs = new MapHandler("prefs");
        cart.state.put("s", "3 items");
        prefs.state.put("s", "dark");
        SessionSnapshot snap = capture(new StateHandlers(List.of(cart, prefs)), "s");
        assertThat(snap.applicationState().keySet()).containsExactly("cart", "prefs");

        MapHandler cart2 = new MapHandler("cart");
        MapHandler prefs2 = new MapHandler("prefs");
        new StateHandlers(List.of(cart2, prefs2)).restore(snap);
        assertThat(cart2.state).containsEntry("s", "3 items");
        assertThat(prefs2.state).containsEntry("s", "dark");
    }

    @Test
    void nothingIsAppliedWhenAHandlerRefusesOrIsMissing() {
        MapHandler cart = new MapHandler("cart");
        MapHandler prefs = new MapHandler("prefs");
        cart.state.put("s", "3 items");
        prefs.state.put("s", "dark");
        SessionSnapshot snap = capture(new StateHandlers(List.of(cart, prefs)), "s");

        MapHandler onlyCart = new MapHandler("cart");
        assertThatThrownBy(() -> new StateHandlers(List.of(onlyCart)).restore(snap))
                .isInstanceOf(MigrationException.class).hasMessageContaining("no MigrationStateHandler named 'prefs'")
                .extracting(e -> ((MigrationException) e).error()).isEqualTo(MigrationError.TARGET_UNAVAILABLE);
        assertThat(onlyCart.calls).isEmpty();

        MapHandler cart2 = new MapHandler("cart");
        MapHandler prefs2 = new MapHandler("prefs");
        prefs2.failValidate = true;
        assertThatThrownBy(() -> new StateHandlers(List.of(cart2, prefs2)).restore(snap))
                .isInstanceOf(MigrationException.class).hasMessageContaining("refused");
        assertThat(cart2.calls).containsExactly("validate");
        assertThat(cart2.state).isEmpty();
    }

    @Test
    void aFailedRestoreDiscardsTheEarlierOnes() {
        MapHandler a = new MapHandler("a");
        MapHandler b = new MapHandler("b");
        a.state.put("s", "1");
        b.state.put("s", "2");
        SessionSnapshot snap = capture(new StateHandlers(List.of(a, b)), "s");
        MapHandler a2 = new MapHandler("a");
        MapHandler b2 = new MapHandler("b");
        b2.failRestore = true;
        assertThatThrownBy(() -> new StateHandlers(List.of(a2, b2)).restore(snap))
                .isInstanceOf(MigrationException.class).hasMessageContaining("1 earlier restore(s) discarded");
        assertThat(a2.calls).containsExactly("validate", "restore", "discard");
        assertThat(a2.state).isEmpty();
    }

    @Test
    void captureFailureIsSourceUnavailableAndNamesAreUnique() {
        MigrationStateHandler broken = new MapHandler("x") {
            @Override
            public byte[] capture(String sessionId) {
                throw new IllegalStateException("boom");
            }
        };
        assertThatThrownBy(() -> capture(new StateHandlers(List.of(broken)), "s"))
                .isInstanceOf(MigrationException.class)
                .extracting(e -> ((MigrationException) e).error()).isEqualTo(MigrationError.SOURCE_UNAVAILABLE);
        assertThatThrownBy(() -> new StateHandlers(List.of(new MapHandler("x"), new MapHandler("x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two MigrationStateHandlers");
    }
}
