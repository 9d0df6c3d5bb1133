package io.rpcnet.migration.coordinator;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.MigrationStateHandler;
import io.rpcnet.migration.snapshot.StateHandlers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Application state kept outside session attributes moves with the session through its
 * {@link MigrationStateHandler}: captured on the source at the cut-over, restored on the target, dropped on
 * the source; a target that cannot restore it rolls the migration back with nothing left behind.
 */
class StateHandlerMigrationTest {

    /** Per-worker "notes" cache outside the session attributes. */
    static final class Notes implements MigrationStateHandler {
        final Map<String, String> bySession = new ConcurrentHashMap<>();
        volatile boolean refuse;

        @Override
        public String name() {
            return "notes";
        }

        @Override
        public byte[] capture(String sessionId) {
            String v = bySession.get(sessionId);
            return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void validate(String sessionId, Bytes state) {
            if (refuse) {
                throw new IllegalStateException("notes store is read-only");
            }
        }

        @Override
        public void restore(String sessionId, Bytes state) {
            bySession.put(sessionId, new String(state.toByteArray(), StandardCharsets.UTF_8));
        }

        @Override
        public void discard(String sessionId) {
            bySession.remove(sessionId);
        }
    }

    private final Map<MemberId, Notes> notes = new ConcurrentHashMap<>();
    private MigrationFixture fixture;

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Notes notesOf(MemberId worker) {
        return notes.get(worker);
    }

    @Test
    void handlerStateMovesWithTheSessionOrStaysWhenTheTargetRefusesIt() {
        fixture = new MigrationFixture(2, MigrationSettings.defaults(), id -> {
            Notes n = new Notes();
            notes.put(id, n);
            return new StateHandlers(List.of(n));
        }, null);
        String id = fixture.open(0);
        MemberId source = fixture.owner(id);
        MemberId target = MigrationFixture.other(source);
        notesOf(source).bySession.put(id, "remember the milk");
        assertThat(fixture.counter(id).increment()).isEqualTo(1);

        notesOf(target).refuse = true;
        MigrationOutcome refused = fixture.coordinator.migrate(id, target.value(), MigrationParty.OPERATOR, "test")
                .outcome().orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(refused.completed()).isFalse();
        assertThat(refused.error()).contains(MigrationError.TARGET_UNAVAILABLE);
        assertThat(refused.detail()).contains("notes store is read-only");
        assertThat(notesOf(target).bySession).isEmpty();
        assertThat(notesOf(source).bySession).containsEntry(id, "remember the milk");
        assertThat(fixture.counter(id).increment()).isEqualTo(2);
        assertThat(fixture.owner(id)).isEqualTo(source);

        notesOf(target).refuse = false;
        MigrationOutcome moved = fixture.coordinator.migrate(id, target.value(), MigrationParty.OPERATOR, "test")
                .outcome().orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(moved.completed()).as(moved.detail()).isTrue();
        assertThat(notesOf(target).bySession).containsEntry(id, "remember the milk");
        assertThat(notesOf(source).bySession).as("dropped on the source after the hand-over").doesNotContainKey(id);
        assertThat(fixture.counter(id).increment()).isEqualTo(3);
        assertThat(fixture.counter(id).worker()).isEqualTo(target.value());
    }
}
