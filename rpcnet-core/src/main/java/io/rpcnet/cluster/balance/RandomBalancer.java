package io.rpcnet.cluster.balance;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Uniformly random choice; with weights, candidate {@code i} is chosen with probability
 * {@code weight[i] / sum(weights)} (one random draw and a binary search over running sums).
 */
public final class RandomBalancer implements LoadBalancer {

    private final RandomGenerator random;

    /** Uses {@link ThreadLocalRandom}: no contention between threads. */
    public RandomBalancer() {
        this.random = null;
    }

    /** Uses {@code random} (e.g. a seeded {@code java.util.Random} in tests); it must be thread-safe if shared. */
    public RandomBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public String name() {
        return LoadBalancingStrategy.RANDOM.name();
    }

    @Override
    public Selector prepare(Candidates candidates) {
        int n = candidates.size();
        if (n == 1) {
            return () -> 0;
        }
        if (candidates.uniformWeights()) {
            return () -> rng(random).nextInt(n);
        }
        int[] cumulative = Weights.cumulative(Weights.of(candidates));
        int total = cumulative[n - 1];
        return () -> Weights.bucket(cumulative, rng(random).nextInt(total));
    }

    static RandomGenerator rng(RandomGenerator configured) {
        return configured != null ? configured : ThreadLocalRandom.current();
    }

    @Override
    public String toString() {
        return name();
    }
}
