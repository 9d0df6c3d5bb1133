package io.rpcnet.boot.autoconfigure.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import io.rpcnet.cluster.registry.WorkerRegistry;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Actuator for the cluster: endpoint {@code rpccluster}, health {@code cluster}, cluster metrics. */
@AutoConfiguration(after = RpcClusterAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnBean(WorkerRegistry.class)
public final class RpcClusterActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    @ConditionalOnAvailableEndpoint(ClusterEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ClusterEndpoint rpcClusterEndpoint(WorkerRegistry registry) {
            return new ClusterEndpoint(registry);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnEnabledHealthIndicator("cluster")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "clusterHealthIndicator")
        ClusterHealthIndicator clusterHealthIndicator(WorkerRegistry registry) {
            return new ClusterHealthIndicator(registry);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ClusterMetrics rpcClusterMetrics(WorkerRegistry registry) {
            return new ClusterMetrics(registry);
        }
    }
}
