package io.rpcnet.cluster.balance;

import java.util.function.Supplier;

/**
 * The built-in strategies, as named in configuration ({@code rpcnet.cluster.load-balancing}). Custom
 * strategies implement {@link LoadBalancer} directly.
 */
public enum LoadBalancingStrategy {
    /** Each candidate in turn, in member-id order; weights give smooth weighted round robin. */
    ROUND_ROBIN(RoundRobinBalancer::new),
    /** Uniformly random; weights make the probability proportional to weight. */
    RANDOM(RandomBalancer::new),
    /** The candidate with the least load relative to its weight; ties broken at random. */
    LEAST_CONNECTIONS(LeastConnectionsBalancer::new),
    /** Two distinct random candidates, the less loaded (relative to weight) wins. */
    POWER_OF_TWO_CHOICES(PowerOfTwoChoicesBalancer::new);

    private final Supplier<LoadBalancer> factory;

    LoadBalancingStrategy(Supplier<LoadBalancer> factory) {
        this.factory = factory;
    }

    /** A new balancer of this kind with default settings (thread-local randomness). */
    public LoadBalancer newBalancer() {
        return factory.get();
    }
}
