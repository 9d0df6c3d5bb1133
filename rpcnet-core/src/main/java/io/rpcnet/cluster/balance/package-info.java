/**
 * Load balancing: the {@link io.rpcnet.cluster.balance.LoadBalancer} SPI, the built-in strategies named by
 * {@link io.rpcnet.cluster.balance.LoadBalancingStrategy}, and the {@link io.rpcnet.cluster.balance.Candidates}
 * view they pick from. Balancers do their expensive work once per candidate set in
 * {@link io.rpcnet.cluster.balance.LoadBalancer#prepare}; the per-call {@code select()} is allocation-free.
 */
package io.rpcnet.cluster.balance;
