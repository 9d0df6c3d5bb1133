package io.rpcnet.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.rpcnet.boot.autoconfigure.server.RpcServerLifecycle;
import io.rpcnet.client.ClientInterceptor;
import io.rpcnet.server.RpcServer;
import io.rpcnet.server.ServerInterceptor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Micrometer metrics for RpcNet when a {@link MeterRegistry} is present: call timers on both sides and
 * gauges of the server's connections and in-flight calls.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "io.rpcnet.boot.autoconfigure.server.RpcServerAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class RpcMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "rpcServerMetricsInterceptor")
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    ServerInterceptor rpcServerMetricsInterceptor(MeterRegistry registry) {
        return RpcMetricsInterceptors.server(registry);
    }

    @Bean
    @ConditionalOnMissingBean(name = "rpcClientMetricsInterceptor")
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    ClientInterceptor rpcClientMetricsInterceptor(MeterRegistry registry) {
        return RpcMetricsInterceptors.client(registry);
    }

    @Bean
    @ConditionalOnBean(RpcServerLifecycle.class)
    @ConditionalOnMissingBean(name = "rpcServerMeterBinder")
    MeterBinder rpcServerMeterBinder(RpcServerLifecycle lifecycle) {
        return registry -> {
            Gauge.builder("rpcnet.server.connections", lifecycle, l -> count(l.server(), true))
                    .description("Open client connections").register(registry);
            Gauge.builder("rpcnet.server.calls.active", lifecycle, l -> count(l.server(), false))
                    .description("Calls in flight").register(registry);
        };
    }

    private static double count(RpcServer server, boolean connections) {
        if (server == null) {
            return 0;
        }
        return connections ? server.activeConnections() : server.activeCalls();
    }
}
