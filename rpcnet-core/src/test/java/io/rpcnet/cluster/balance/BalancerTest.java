package io.rpcnet.cluster.balance;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The strategies against a fixed candidate set, without a registry. */
class BalancerTest {

    /** Candidates with fixed weights and mutable loads. */
    private static final class Fixed implements Candidates {
        final int[] weights;
        final long[] loads;

        Fixed(int[] weights, long[] loads) {
            this.weights = weights;
            this.loads = loads;
        }

        @Override
        public int size() {
            return weights.length;
        }

        @Override
        public Member member(int index) {
            return new Member(MemberId.of("m" + index), "h:1", Map.of(), 0, weights[index], MemberLoad.ZERO,
                    MemberStatus.ALIVE, 0, 0);
        }

        @Override
        public int weight(int index) {
            return weights[index];
        }

        @Override
        public long load(int index) {
            return loads[index];
        }

        @Override
        public boolean uniformWeights() {
            for (int w : weights) {
                if (w != weights[0]) {
                    return false;
                }
            }
            return true;
        }
    }

    @Test
    void smoothWeightedRoundRobinInterleaves() {
        assertThat(WeightedSequence.smooth(new int[] {5, 1, 1})).containsExactly(0, 0, 1, 0, 2, 0, 0);
        assertThat(WeightedSequence.smooth(new int[] {2, 1, 1})).containsExactly(0, 1, 2, 0);
        assertThat(WeightedSequence.smooth(new int[] {4, 2, 2})).containsExactly(0, 1, 2, 0); // GCD reduced
    }

    @Test
    void hugeWeightSumsAreScaledToABoundedCycle() {
        int[] weights = new int[100];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i % 2 == 0 ? 1000 : 999;
        }
        int[] sequence = WeightedSequence.smooth(weights);

        assertThat(sequence.length).isLessThanOrEqualTo(WeightedSequence.MAX_LENGTH + weights.length);
        long evens = java.util.Arrays.stream(sequence).filter(i -> i % 2 == 0).count();
        assertThat(evens / (double) sequence.length).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void weightedRandomFollowsRunningSums() {
        int[] cumulative = Weights.cumulative(new int[] {3, 1, 2});
        assertThat(cumulative).containsExactly(3, 4, 6);
        assertThat(Weights.bucket(cumulative, 0)).isZero();
        assertThat(Weights.bucket(cumulative, 2)).isZero();
        assertThat(Weights.bucket(cumulative, 3)).isEqualTo(1);
        assertThat(Weights.bucket(cumulative, 4)).isEqualTo(2);
        assertThat(Weights.bucket(cumulative, 5)).isEqualTo(2);
    }

    @Test
    void loadComparisonIsRelativeToWeight() {
        assertThat(Weights.lighter(1, 2, 0, 1)).isFalse(); // (1+1)/2 = 1 vs 1: tie is not lighter
        assertThat(Weights.lighter(0, 2, 0, 1)).isTrue();
        assertThat(Weights.lighter(3, 1, 2, 1)).isFalse();
    }

    @Test
    void singleCandidateIsAlwaysChosen() {
        Fixed one = new Fixed(new int[] {7}, new long[] {100});
        for (LoadBalancingStrategy s : LoadBalancingStrategy.values()) {
            assertThat(s.newBalancer().prepare(one).select()).as(s.name()).isZero();
            assertThat(s.newBalancer().name()).isEqualTo(s.name());
        }
    }

    @Test
    void leastConnectionsSharesTiesAndFollowsLoadChanges() {
        Fixed c = new Fixed(new int[] {1, 1, 1, 1}, new long[] {0, 0, 5, 5});
        LoadBalancer.Selector s = new LeastConnectionsBalancer(new Random(1)).prepare(c);
        int[] hits = new int[4];
        for (int i = 0; i < 1000; i++) {
            hits[s.select()]++;
        }
        assertThat(hits[2] + hits[3]).isZero();
        assertThat(hits[0]).isBetween(250, 750);

        c.loads[0] = 9;
        c.loads[1] = 9;
        c.loads[3] = 4;
        assertThat(s.select()).isEqualTo(3);
    }

    @Test
    void powerOfTwoChoicesDrawsTwoDistinctCandidates() {
        Fixed c = new Fixed(new int[] {1, 1}, new long[] {1, 0});
        LoadBalancer.Selector s = new PowerOfTwoChoicesBalancer(new Random(5)).prepare(c);
        for (int i = 0; i < 100; i++) {
            assertThat(s.select()).isEqualTo(1); // both are always compared
        }
    }
}
