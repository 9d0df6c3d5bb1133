package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.ClusterEvent.Type;
import io.rpcnet.cluster.MemberId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Partition awareness: many failures close together mean "partition", and failover is held back. */
class PartitionTest {

    @Test
    void majorityFailingTogetherIsAPartitionUntilEnoughRecover() {
        // phases chosen so that the three silent workers fail in different evaluation ticks: w2, w3, then w1
        SimCluster c = new SimCluster().start("w1", 1, 0).start("w2", 1, 200).start("w3", 1, 400)
                .start("w4", 1, 50).start("w5", 1, 250);
        List<String> failedWhilePartitioned = new ArrayList<>();
        c.registry.subscribe(e -> {
            if (e.type() == Type.FAILED) {
                failedWhilePartitioned.add(e.memberId() + "=" + c.registry.isPartitioned());
            }
        });
        c.advance(10_000);
        c.events.clear();

        c.silence("w1", "w2", "w3");
        c.advance(3_000);

        assertThat(c.registry.isPartitioned()).isTrue();
        assertThat(c.events.summary()).filteredOn(e -> !e.startsWith("SUSPECT"))
                .containsExactly("FAILED(w2)", "FAILED(w3)", "FAILED(w1)", "PARTITION_DETECTED[w2, w3, w1]");
        // state is updated before listeners run: the FAILED that tipped detection already sees the partition
        assertThat(failedWhilePartitioned).containsExactly("w2=false", "w3=false", "w1=true");

        c.events.clear();
        c.start("w1", 2, 0); // one comes back: 2 of 5 still failed = 0.4, not above 0.5
        c.advance(2_000);

        assertThat(c.registry.isPartitioned()).isFalse();
        assertThat(c.events.summary()).containsExactly("RECOVERED(w1)", "PARTITION_HEALED[w2, w3]");
    }

    @Test
    void failuresSpreadBeyondTheWindowAreIndividualFailures() {
        SimCluster c = new SimCluster().start("w1", "w2", "w3", "w4", "w5");
        c.advance(10_000);
        for (String id : List.of("w1", "w2", "w3")) {
            c.silence(id);
            c.advance(6_000);
        }

        assertThat(c.events.summary()).contains("FAILED(w1)", "FAILED(w2)", "FAILED(w3)");
        assertThat(c.events.events).noneMatch(e -> e.type().isPartitionEvent());
        assertThat(c.registry.isPartitioned()).isFalse();
    }

    @Test
    void exactlyHalfIsNotAPartitionButMoreIs() {
        SimCluster c = new SimCluster().start("w1", "w2", "w3", "w4");
        c.advance(5_000);
        c.silence("w1", "w2");
        c.advance(3_000);
        assertThat(c.registry.isPartitioned()).isFalse(); // 2 of 4 = 0.5, not more

        c.silence("w3");
        c.advance(3_000);
        assertThat(c.registry.isPartitioned()).isTrue(); // 3 of 4 within 5 s
    }

    @Test
    void losingTheOnlyWorkerIsAFailureNotAPartition() {
        SimCluster c = new SimCluster().start("w1");
        c.advance(5_000);
        c.silence("w1");
        c.advance(3_000);

        assertThat(c.events.summary()).contains("FAILED(w1)");
        assertThat(c.registry.isPartitioned()).isFalse();

        SimCluster two = new SimCluster().start("a", "b");
        two.advance(5_000);
        two.silence("a", "b");
        two.advance(3_000);
        assertThat(two.registry.isPartitioned()).isTrue();
    }

    @Test
    void failuresDuringAPartitionJoinItAndRemovalsOrNewCapacityHealIt() {
        SimCluster c = new SimCluster().start("w1", "w2", "w3", "w4", "w5", "w6");
        c.advance(5_000);
        c.silence("w1", "w2", "w3", "w4");
        c.advance(3_000);
        assertThat(c.registry.isPartitioned()).isTrue();

        c.silence("w5");
        c.advance(10_000); // outside the window, but the partition is ongoing: a casualty too
        c.events.clear();

        c.registry.markLeft(MemberId.of("w1"), c.now); // operator removes dead nodes: 4 failed, 1 live
        c.registry.markLeft(MemberId.of("w2"), c.now); // 3 failed, 1 live: 0.75
        assertThat(c.registry.isPartitioned()).isTrue();
        c.start("n1", 1, 0); // new capacity: 3 failed of 5 = 0.6
        c.start("n2", 1, 0); // 3 failed of 6 = 0.5: healed
        assertThat(c.registry.isPartitioned()).isFalse();
        assertThat(c.events.summary()).containsExactly("LEFT(w1)", "LEFT(w2)", "JOINED(n1)", "JOINED(n2)",
                "PARTITION_HEALED[w3, w4, w5]");
    }

    @Test
    void forgettingFailedMembersEventuallyHealsAndFractionIsConfigurable() {
        RegistryConfig config = RegistryConfig.builder().partitionFraction(0.3).partitionWindow(Duration.ofSeconds(2))
                .failedRetention(Duration.ofSeconds(30)).build();
        SimCluster c = new SimCluster(config).start("w1", "w2", "w3", "w4", "w5");
        c.advance(5_000);
        c.silence("w1", "w2"); // 2 of 5 = 0.4 > 0.3
        c.advance(3_000);
        assertThat(c.registry.isPartitioned()).isTrue();

        c.advance(30_000);
        // w2 failed (and is forgotten) first; then 1 of 4 still failed is 0.25, not above 0.3
        assertThat(c.registry.isPartitioned()).isFalse();
        assertThat(c.events.summary()).endsWith("PARTITION_DETECTED[w2, w1]", "PARTITION_HEALED[w1]");
    }
}
