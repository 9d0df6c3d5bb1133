package io.rpcnet.cluster.balance;

import java.util.random.RandomGenerator;

/**
 * The candidate with the least load: {@link Candidates#load(int)}, i.e. sessions + in-flight calls from the
 * last heartbeat corrected by this director's live counters. With weights it minimises
 * {@code (load + 1) / weight}, the share a candidate would carry after taking the new work, so under steady
 * load work spreads in proportion to weight. Ties are broken by scanning from a random start, so idle
 * candidates share bursts evenly. Cost: one pass over the candidates.
 */
public final class LeastConnectionsBalancer implements LoadBalancer {

    private final RandomGenerator random;

    /** Breaks ties with thread-local randomness. */
    public LeastConnectionsBalancer() {
        this.random = null;
    }

    /** Breaks ties with {@code random} (thread-safe if shared). */
    public LeastConnectionsBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public String name() {
        return LoadBalancingStrategy.LEAST_CONNECTIONS.name();
    }

    @Override
    public Selector prepare(Candidates candidates) {
        int n = candidates.size();
        if (n == 1) {
            return () -> 0;
        }
        if (candidates.uniformWeights()) {
            return () -> {
                int start = RandomBalancer.rng(random).nextInt(n);
                int best = start;
                long bestLoad = candidates.load(start);
                for (int k = 1; k < n && bestLoad > 0; k++) {
                    int i = start + k < n ? start + k : start + k - n;
                    long load = candidates.load(i);
                    if (load < bestLoad) {
                        best = i;
                        bestLoad = load;
                    }
                }
                return best;
            };
        }
        int[] weights = Weights.of(candidates);
        return () -> {
            int start = RandomBalancer.rng(random).nextInt(n);
            int best = start;
            long bestLoad = candidates.load(start);
            for (int k = 1; k < n; k++) {
                int i = start + k < n ? start + k : start + k - n;
                long load = candidates.load(i);
                if (Weights.lighter(load, weights[i], bestLoad, weights[best])) {
                    best = i;
                    bestLoad = load;
                }
            }
            return best;
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
