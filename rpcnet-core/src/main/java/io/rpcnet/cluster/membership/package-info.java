/**
 * The embedded membership engine over QUIC: workers join the directors named as seeds, prove knowledge of the
 * cluster secret (HMAC-SHA256 challenge/response) or present a client certificate, send heartbeats carrying
 * their load, may ask to be drained (their sessions moved elsewhere) and leave gracefully; directors feed their
 * {@link io.rpcnet.cluster.registry.WorkerRegistry} and run its failure detector.
 *
 * <ul>
 *   <li>{@link io.rpcnet.cluster.membership.MembershipService}: the internal RPC service
 *       ({@code RpcNetMembership}) and its messages; specified in PROTOCOL.md, "Cluster membership".</li>
 *   <li>{@link io.rpcnet.cluster.membership.DirectorMembership}: serves it on the director, authenticates,
 *       updates the registry, evaluates every 100 ms.</li>
 *   <li>{@link io.rpcnet.cluster.membership.WorkerMembershipAgent}: the worker's
 *       {@link io.rpcnet.cluster.ClusterMembership}.</li>
 *   <li>{@link io.rpcnet.cluster.membership.DrainHandler}: how a director's migration coordinator drains a
 *       worker that asks for it ({@code WorkerMembershipAgent.requestDrain}).</li>
 *   <li>{@link io.rpcnet.cluster.membership.MembershipAuth}: the join proof, for other implementations.</li>
 * </ul>
 */
package io.rpcnet.cluster.membership;
