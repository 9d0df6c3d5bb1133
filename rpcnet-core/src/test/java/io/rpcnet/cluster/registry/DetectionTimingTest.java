package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEvent.Type;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.detection.PhiAccrualConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static io.rpcnet.cluster.registry.Sim.MS;
import static org.assertj.core.api.Assertions.assertThat;

/** Failure detection timing with a simulated clock: 500 ms heartbeats, evaluation ticks, no sleeping. */
class DetectionTimingTest {

    private static final MemberId W = MemberId.of("w1");

    @Test
    void silentWorkerBecomesSuspectThenFailedWithinTwoSeconds() {
        WorkerRegistry registry = new WorkerRegistry();
        EventRecorder rec = new EventRecorder();
        registry.subscribe(rec);
        registry.upsert(Sim.worker("w1", 1), 0);
        long t = 0;
        for (int i = 1; i <= 40; i++) {
            t = i * 500 * MS;
            registry.heartbeat(W, 1, MemberLoad.ZERO, t);
            registry.evaluate(t);
        }
        long lastBeat = t;

        long suspectAt = -1;
        long failedAt = -1;
        for (long now = lastBeat; now <= lastBeat + 5_000 * MS && failedAt < 0; now += 10 * MS) {
            registry.evaluate(now);
            MemberStatus s = registry.member(W).orElseThrow().status();
            if (s == MemberStatus.SUSPECT && suspectAt < 0) {
                suspectAt = now;
            }
            if (s == MemberStatus.FAILED) {
                failedAt = now;
            }
        }

        // regular beats: std clamps to the 100 ms minimum; phi 4 at ~864 ms and phi 8 at ~1023 ms of silence
        assertThat((suspectAt - lastBeat) / MS).isBetween(860L, 880L);
        assertThat((failedAt - lastBeat) / MS).isBetween(1020L, 1040L).isLessThanOrEqualTo(2000L);
        assertThat(rec.summary()).containsExactly("JOINED(w1)", "SUSPECT(w1)", "FAILED(w1)");
        assertThat(registry.member(W).orElseThrow().phi()).isGreaterThanOrEqualTo(8.0);
        assertThat(registry.select(io.rpcnet.cluster.TagFilter.ANY)).isEmpty();
    }

    @Test
    void jitteryHeartbeatsNeverProduceFalsePositives() {
        WorkerRegistry registry = new WorkerRegistry();
        EventRecorder rec = new EventRecorder();
        registry.subscribe(rec);
        Random random = new Random(42);
        registry.upsert(Sim.worker("w1", 1), 0);
        long nextTick = 100 * MS;
        double maxPhi = 0;
        for (int k = 1; k <= 10_000; k++) {
            long beat = k * 500 * MS + (random.nextInt(201) - 100) * MS; // scheduled time ±100 ms
            while (nextTick < beat) {
                registry.evaluate(nextTick);
                maxPhi = Math.max(maxPhi, registry.member(W).orElseThrow().phi());
                nextTick += 100 * MS;
            }
            registry.heartbeat(W, 1, MemberLoad.ZERO, beat);
        }

        assertThat(rec.events).extracting(ClusterEvent::type).containsExactly(Type.JOINED);
        assertThat(registry.member(W).orElseThrow().status()).isEqualTo(MemberStatus.ALIVE);
        assertThat(maxPhi).isLessThan(registry.config().suspectPhi());
    }

    @Test
    void acceptablePauseDelaysDetectionByThePause() {
        RegistryConfig config = RegistryConfig.builder()
                .detector(PhiAccrualConfig.builder().acceptableHeartbeatPause(Duration.ofMillis(500)).build())
                .build();
        WorkerRegistry registry = new WorkerRegistry(config);
        registry.upsert(Sim.worker("w1", 1), 0);
        long t = 0;
        for (int i = 1; i <= 40; i++) {
            t = i * 500 * MS;
            registry.heartbeat(W, 1, MemberLoad.ZERO, t);
        }
        registry.evaluate(t + 1500 * MS);
        assertThat(registry.member(W).orElseThrow().status()).isEqualTo(MemberStatus.SUSPECT);
        registry.evaluate(t + 1530 * MS);
        assertThat(registry.member(W).orElseThrow().status()).isEqualTo(MemberStatus.FAILED);
    }
}
