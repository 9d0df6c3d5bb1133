/**
 * Cluster model shared by every part of the cluster: members ({@link io.rpcnet.cluster.Member},
 * {@link io.rpcnet.cluster.MemberId}, {@link io.rpcnet.cluster.MemberStatus}), tags and tag filters,
 * membership events and the {@link io.rpcnet.cluster.ClusterMembership} SPI.
 *
 * <p>Sub-packages, each one concept: {@code detection} (phi accrual failure detector), {@code balance}
 * (load-balancing strategies and their SPI) and {@code registry} (the director's {@code WorkerRegistry},
 * which combines the others). Nothing here touches the network or reads the clock by itself: callers pass
 * the monotonic time ({@code nowNanos}) in, so the logic is deterministic under test.
 */
package io.rpcnet.cluster;
