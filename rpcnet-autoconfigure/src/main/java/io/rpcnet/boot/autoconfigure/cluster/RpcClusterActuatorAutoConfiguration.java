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

/**
 * Actuator for the cluster: on a director the endpoint {@code rpccluster}, health {@code cluster} and
 * cluster metrics; on a worker health {@code cluster} (joined or not).
 */
@AutoConfiguration(after = RpcClusterAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
public final class RpcClusterActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(ClusterWorkerLifecycle.class)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnEnabledHealthIndicator("cluster")
    static class WorkerHealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "clusterHealthIndicator")
        ClusterWorkerHealthIndicator clusterHealthIndicator(ClusterWorkerLifecycle lifecycle) {
            return new ClusterWorkerHealthIndicator(lifecycle);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(WorkerRegistry.class)
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
    @ConditionalOnBean(WorkerRegistry.class)
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
    @ConditionalOnBean({MeterRegistry.class, WorkerRegistry.class})
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ClusterMetrics rpcClusterMetrics(WorkerRegistry registry) {
            return new ClusterMetrics(registry);
        }
    }
}
