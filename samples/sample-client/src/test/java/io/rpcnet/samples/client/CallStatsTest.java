package io.rpcnet.samples.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CallStatsTest {

    @Test
    void countsMovesAndWorkersInOrder() {
        CallStats stats = new CallStats();
        stats.success("worker-a", 1, 1);
        stats.success("worker-a", 2, 2);
        stats.success("worker-b", 3, 3);
        assertThat(stats.summary(0, "s1")).isEqualTo("SUMMARY calls=3 failures=0 reconnects=0"
                + " workers=[worker-a, worker-b] moves=1 items=3 state-continuous=true session=s1");
    }

    @Test
    void aCartWithTheWrongItemCountBreaksContinuity() {
        CallStats stats = new CallStats();
        stats.success("worker-a", 1, 1);
        stats.success("worker-b", 1, 2); // the cart came back empty-ish after a move
        assertThat(stats.continuous()).isFalse();
        assertThat(stats.problems()).containsExactly("call #2: cart has 1 items, expected 2");
    }

    @Test
    void failuresAreCountedAsCalls() {
        CallStats stats = new CallStats();
        stats.failure("UNAVAILABLE");
        assertThat(stats.calls()).isEqualTo(1);
        assertThat(stats.failures()).isEqualTo(1);
        assertThat(stats.summary(2, "s")).contains("failures=1", "reconnects=2", "workers=[]");
    }
}
