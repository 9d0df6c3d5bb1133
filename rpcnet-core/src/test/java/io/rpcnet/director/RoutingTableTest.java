package io.rpcnet.director;

import io.rpcnet.cluster.MemberId;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingTableTest {

    private static final MemberId A = MemberId.of("a");
    private static final MemberId B = MemberId.of("b");

    @Test
    void assignRouteSwitchAndRemove() {
        RoutingTable t = new RoutingTable();
        assertThat(t.route("s")).isEmpty();
        t.assign("s", A, 3);
        assertThat(t.route("s")).contains(new RoutingTable.Route(A, 3));
        assertThat(t.switchOwner("s", A, 2, B)).as("stale epoch").isEmpty();
        assertThat(t.switchOwner("s", B, 3, A)).as("wrong owner").isEmpty();
        assertThat(t.switchOwner("s", A, 3, B)).contains(new RoutingTable.Route(B, 4));
        assertThat(t.switchOwner("unknown", A, 0, B)).isEmpty();
        assertThat(t.remove("s")).isTrue();
        assertThat(t.remove("s")).isFalse();
        assertThat(t.size()).isZero();
    }

    @Test
    void concurrentSwitchesHaveOneWinner() throws Exception {
        RoutingTable t = new RoutingTable();
        t.assign("s", A, 0);
        AtomicInteger wins = new AtomicInteger();
        Thread[] threads = IntStream.range(0, 8).mapToObj(i -> new Thread(() -> {
            if (t.switchOwner("s", A, 0, MemberId.of("w" + i)).isPresent()) {
                wins.incrementAndGet();
            }
        })).toArray(Thread[]::new);
        for (Thread th : threads) {
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(wins.get()).isEqualTo(1);
        assertThat(t.route("s").orElseThrow().epoch()).isEqualTo(1);
    }

    @Test
    void rebuildKeepsTheHigherEpochAndForgetsUnreportedSessions() {
        RoutingTable t = new RoutingTable();
        t.rebuild(A, Map.of("s1", 1L, "s2", 5L, "s3", 2L));
        t.rebuild(B, Map.of("s1", 2L, "s2", 4L, "s4", 1L));
        assertThat(t.route("s1")).contains(new RoutingTable.Route(B, 2));
        assertThat(t.route("s2")).contains(new RoutingTable.Route(A, 5));
        assertThat(t.route("s4")).contains(new RoutingTable.Route(B, 1));
        // A no longer holds s3
        t.rebuild(A, Map.of("s2", 5L));
        assertThat(t.route("s3")).isEmpty();
        assertThat(t.route("s1")).contains(new RoutingTable.Route(B, 2));
        assertThat(t.sessionsPerOwner()).isEqualTo(Map.of(A, 1, B, 2));
        assertThat(t.removeOwner(B)).isEqualTo(2);
        assertThat(t.snapshot()).containsOnlyKeys("s2");
    }
}
