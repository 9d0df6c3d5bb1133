/**
 * {@link io.rpcnet.cluster.client.ClusterClient}: calls routed to the workers of a
 * {@link io.rpcnet.cluster.registry.WorkerRegistry} by its load-balancing strategy and a tag filter, with a circuit
 * breaker per worker, retries onto another worker when that is safe, and a bulkhead (resilience4j). See
 * {@link io.rpcnet.cluster.client.ClusterResilience} for the rules and defaults.
 */
package io.rpcnet.cluster.client;
