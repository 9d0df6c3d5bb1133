package io.rpcnet.boot.autoconfigure.cluster;

import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.rpcnet.boot.autoconfigure.client.RpcClientProperties;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.client.ClientInterceptor;
import io.rpcnet.cluster.client.ClusterClient;
import io.rpcnet.cluster.client.ClusterResilience;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.codec.RpcCodec;
import org.springframework.beans.factory.ObjectProvider;

import java.time.Duration;
import java.util.List;

/** Builds the director's {@link ClusterClient} from {@code rpcnet.cluster.client.*} and the client settings. */
final class ClusterClients {

    private ClusterClients() {
    }

    static ClusterClient create(WorkerRegistry registry, RpcClusterProperties properties,
                                RpcClientProperties clientProperties, RpcTlsFactory tls, RpcCodec codec,
                                ObjectProvider<ClientInterceptor> interceptors) {
        RpcClusterProperties.Client c = properties.getClient();
        if (c.getMaxAttempts() < 1) {
            throw new InvalidRpcPropertyException("rpcnet.cluster.client.max-attempts", c.getMaxAttempts(),
                    "must be at least 1 (1 = no retry)");
        }
        if (c.getFailureRateThreshold() <= 0 || c.getFailureRateThreshold() > 100) {
            throw new InvalidRpcPropertyException("rpcnet.cluster.client.failure-rate-threshold",
                    c.getFailureRateThreshold(), "must be a percentage in (0, 100]");
        }
        if (c.getMaxConcurrentCalls() < 1) {
            throw new InvalidRpcPropertyException("rpcnet.cluster.client.max-concurrent-calls",
                    c.getMaxConcurrentCalls(), "must be at least 1");
        }
        List<ClientInterceptor> ordered = interceptors.orderedStream().toList();
        var builder = ClusterClient.builder(registry)
                .name("rpcnet-cluster")
                .tls(tls.client(clientProperties.getSsl().getBundle(), "rpcnet.client.ssl.bundle", null))
                .codec(codec)
                .clientCustomizer(b -> {
                    ordered.forEach(b::interceptor);
                    return b;
                })
                .circuitBreakerConfig(CircuitBreakerConfig.from(ClusterResilience.defaultCircuitBreakerConfig())
                        .failureRateThreshold(c.getFailureRateThreshold())
                        .waitDurationInOpenState(c.getWaitInOpenState())
                        .build())
                .retryConfig(RetryConfig.from(ClusterResilience.defaultRetryConfig())
                        .maxAttempts(c.getMaxAttempts())
                        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(c.getInitialBackoff(), 2.0, 0.5,
                                Duration.ofSeconds(2)))
                        .build())
                .bulkheadConfig(BulkheadConfig.from(ClusterResilience.defaultBulkheadConfig())
                        .maxConcurrentCalls(c.getMaxConcurrentCalls())
                        .build());
        if (c.getDefaultFilter() != null && !c.getDefaultFilter().isBlank()) {
            builder.defaultFilter(c.getDefaultFilter());
        }
        Duration deadline = clientProperties.getDefaultDeadline();
        if (deadline != null && !deadline.isZero() && !deadline.isNegative()) {
            builder.defaultTimeout(deadline);
        }
        return builder.build();
    }
}
