/**
 * The director's {@link io.rpcnet.cluster.registry.WorkerRegistry}: membership state fed by joins, heartbeats
 * and leaves, failure detection driven by {@code evaluate(nowNanos)}, partition awareness, and selection of
 * a worker through a {@link io.rpcnet.cluster.balance.LoadBalancer}, with live load counters
 * ({@link io.rpcnet.cluster.registry.LoadTracker}). Network-free: the membership transport calls in.
 */
package io.rpcnet.cluster.registry;
