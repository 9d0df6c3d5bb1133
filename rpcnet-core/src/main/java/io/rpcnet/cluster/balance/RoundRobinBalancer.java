package io.rpcnet.cluster.balance;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round robin in member-id order. With equal weights, n consecutive selections visit each of the n
 * candidates exactly once. With weights, it is nginx's <em>smooth</em> weighted round robin: over every
 * cycle of {@code sum(weights)} selections (weights divided by their GCD) each candidate is chosen exactly
 * {@code weight} times, interleaved rather than in bursts (weights 5,1,1 give a,a,b,a,c,a,a). The cycle
 * is precomputed per candidate set; when it would exceed 4096 entries the
 * weights are scaled down first, so proportions are then approximate.
 *
 * <p>One shared atomic cursor per candidate set; it starts at a random position so that membership changes do
 * not favour the first member.
 */
public final class RoundRobinBalancer implements LoadBalancer {

    @Override
    public String name() {
        return LoadBalancingStrategy.ROUND_ROBIN.name();
    }

    @Override
    public Selector prepare(Candidates candidates) {
        int n = candidates.size();
        AtomicInteger cursor = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20));
        if (n == 1) {
            return () -> 0;
        }
        if (candidates.uniformWeights()) {
            return () -> (cursor.getAndIncrement() & Integer.MAX_VALUE) % n;
        }
        int[] sequence = WeightedSequence.smooth(Weights.of(candidates));
        int length = sequence.length;
        return () -> sequence[(cursor.getAndIncrement() & Integer.MAX_VALUE) % length];
    }

    @Override
    public String toString() {
        return name();
    }
}
