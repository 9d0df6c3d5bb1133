package io.rpcnet.migration.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.MigrationRequest;
import io.rpcnet.migration.MutableClock;
import io.rpcnet.migration.state.MigrationPhase;
import io.rpcnet.migration.state.MigrationState;
import io.rpcnet.migration.state.MigrationStateMachine;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MigrationTrackerTest {

    private final MutableClock clock = MutableClock.at("2026-11-02T10:00:00Z");
    private final MigrationTracker tracker = new MigrationTracker(3, Duration.ofMinutes(10), clock);

    private MigrationRequest request(String id, String session) {
        return MigrationRequest.builder().migrationId(id).sessionId(session).sourceWorker("a").targetWorker("b")
                .requestedBy(MigrationParty.OPERATOR).reason("rebalance").requestedAt(clock.instant()).build();
    }

    private static void runToCutOver(MigrationStateMachine m) {
        m.prepare();
        m.startTransfer();
        m.enterPhase(MigrationPhase.CATCH_UP);
        m.enterPhase(MigrationPhase.CUT_OVER);
    }

    @Test
    void tracksProgressBytesAndElapsedTime() {
        TrackedMigration t = tracker.start(request("m1", "s1"));
        assertThat(t.view(clock.instant()).state()).isEqualTo(MigrationState.IDLE);
        t.machine().prepare();
        t.machine().startTransfer();
        t.bytesTotal(1000);
        t.addBytesTransferred(500);
        clock.advance(Duration.ofMillis(1500));
        MigrationView v = tracker.find("m1").orElseThrow();
        assertThat(v.progressPercent()).isEqualTo(40);
        assertThat(v.phase()).isEqualTo(MigrationPhase.BASE_COPY);
        assertThat(v.bytesTransferred()).isEqualTo(500);
        assertThat(v.elapsed()).isEqualTo(Duration.ofMillis(1500));
        assertThat(v.requestedBy()).isEqualTo(MigrationParty.OPERATOR);
        t.addBytesTransferred(500);
        t.machine().enterPhase(MigrationPhase.CATCH_UP);
        assertThat(t.progressPercent()).isEqualTo(95);
        t.machine().enterPhase(MigrationPhase.CUT_OVER);
        assertThat(t.progressPercent()).isEqualTo(95);
        clock.advance(Duration.ofMillis(500));
        t.machine().complete();
        clock.advance(Duration.ofMinutes(1));
        MigrationView done = tracker.find("m1").orElseThrow();
        assertThat(done.progressPercent()).isEqualTo(100);
        assertThat(done.elapsed()).isEqualTo(Duration.ofMillis(2000)); // frozen at the finish
        assertThat(done.finishedAt()).isEqualTo(clock.instant().minus(Duration.ofMinutes(1)));
    }

    @Test
    void oneActiveMigrationPerSession() {
        TrackedMigration t = tracker.start(request("m1", "s1"));
        assertThatThrownBy(() -> tracker.start(request("m2", "s1")))
                .isInstanceOf(MigrationException.class).hasMessageContaining("already being migrated by 'm1'")
                .satisfies(e -> assertThat(((MigrationException) e).error()).isEqualTo(MigrationError.ALREADY_MIGRATING));
        assertThatThrownBy(() -> tracker.start(request("m1", "s2"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(tracker.activeForSession("s1")).containsSame(t);
        t.machine().prepare();
        t.machine().fail(MigrationError.TARGET_UNAVAILABLE, "b is draining");
        assertThat(tracker.activeForSession("s1")).isEmpty();
        assertThat(tracker.start(request("m2", "s1")).migrationId()).isEqualTo("m2");
        MigrationView failed = tracker.find("m1").orElseThrow();
        assertThat(failed.error()).isEqualTo(MigrationError.TARGET_UNAVAILABLE);
        assertThat(failed.detail()).isEqualTo("b is draining");
    }

    @Test
    void finishedMigrationsMoveToABoundedRecentList() {
        for (int i = 0; i < 5; i++) {
            TrackedMigration t = tracker.start(request("m" + i, "s" + i));
            runToCutOver(t.machine());
            clock.advance(Duration.ofSeconds(1));
            t.machine().complete();
        }
        TrackedMigration running = tracker.start(request("live", "s-live"));
        running.machine().prepare();
        TrackerSnapshot snap = tracker.snapshot();
        assertThat(snap.active()).extracting(MigrationView::migrationId).containsExactly("live");
        assertThat(snap.recent()).extracting(MigrationView::migrationId).containsExactly("m4", "m3", "m2");
        assertThat(snap.takenAt()).isEqualTo(clock.instant());
        assertThat(tracker.activeCount()).isEqualTo(1);
    }

    @Test
    void gcDropsFinishedRecordsOlderThanTheRetention() {
        TrackedMigration old = tracker.start(request("old", "s1"));
        old.machine().prepare();
        old.machine().fail(MigrationError.ABORTED, "operator");
        clock.advance(Duration.ofMinutes(6));
        TrackedMigration newer = tracker.start(request("newer", "s2"));
        runToCutOver(newer.machine());
        newer.machine().complete();
        TrackedMigration active = tracker.start(request("active", "s3"));
        active.machine().prepare();

        clock.advance(Duration.ofMinutes(4).minusMillis(1));
        assertThat(tracker.gc()).isZero();
        clock.advance(Duration.ofMillis(1)); // "old" finished exactly 10 minutes ago
        assertThat(tracker.gc()).isEqualTo(1);
        assertThat(tracker.recent()).extracting(MigrationView::migrationId).containsExactly("newer");
        clock.advance(Duration.ofHours(1));
        assertThat(tracker.gc()).isEqualTo(1);
        assertThat(tracker.recent()).isEmpty();
        assertThat(tracker.active()).extracting(MigrationView::migrationId).containsExactly("active"); // never collected
        assertThat(tracker.find("old")).isEmpty();
    }
}
