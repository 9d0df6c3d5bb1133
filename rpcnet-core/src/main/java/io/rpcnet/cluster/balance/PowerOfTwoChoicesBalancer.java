package io.rpcnet.cluster.balance;

import java.util.random.RandomGenerator;

/**
 * Power of two choices (Mitzenmacher): draw two distinct candidates uniformly at random and take the one
 * with less load relative to weight ({@code (load + 1) / weight}); on a tie the first draw wins. Nearly as
 * even as least-connections at constant cost, and it never herds every director onto the same single idle
 * member. The most loaded candidate can only win if it ties. Weights act in the comparison, not in the draw.
 */
public final class PowerOfTwoChoicesBalancer implements LoadBalancer {

    private final RandomGenerator random;

    /** Draws with thread-local randomness. */
    public PowerOfTwoChoicesBalancer() {
        this.random = null;
    }

    /** Draws with {@code random} (thread-safe if shared). */
    public PowerOfTwoChoicesBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public String name() {
        return LoadBalancingStrategy.POWER_OF_TWO_CHOICES.name();
    }

    @Override
    public Selector prepare(Candidates candidates) {
        int n = candidates.size();
        if (n == 1) {
            return () -> 0;
        }
        int[] weights = Weights.of(candidates);
        return () -> {
            RandomGenerator rng = RandomBalancer.rng(random);
            int a = rng.nextInt(n);
            int b = rng.nextInt(n - 1);
            if (b >= a) {
                b++;
            }
            return Weights.lighter(candidates.load(b), weights[b], candidates.load(a), weights[a]) ? b : a;
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
