package io.rpcnet.boot.autoconfigure.cluster;

import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.server.RpcServerAutoConfiguration;
import io.rpcnet.cluster.detection.PhiAccrualConfig;
import io.rpcnet.cluster.registry.RegistryConfig;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.boot.autoconfigure.RpcCodecAutoConfiguration;
import io.rpcnet.boot.autoconfigure.RpcTlsAutoConfiguration;
import io.rpcnet.boot.autoconfigure.client.RpcClientAutoConfiguration;
import io.rpcnet.boot.autoconfigure.client.RpcClientProperties;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.client.ClientInterceptor;
import io.rpcnet.cluster.client.ClusterClient;
import io.rpcnet.codec.RpcCodec;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The cluster, by {@code rpcnet.cluster.role}: a director keeps the {@link WorkerRegistry} (phi accrual
 * failure detection, partition awareness, load balancing) and calls workers through a {@link ClusterClient}.
 */
@AutoConfiguration(after = {RpcServerAutoConfiguration.class, RpcClientAutoConfiguration.class,
        RpcCodecAutoConfiguration.class, RpcTlsAutoConfiguration.class})
@ConditionalOnClass(WorkerRegistry.class)
@EnableConfigurationProperties(RpcClusterProperties.class)
public final class RpcClusterAutoConfiguration {

    /** Director role: the registry of workers. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "rpcnet.cluster.role", havingValue = "director")
    static class Director {

        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean
        WorkerRegistry workerRegistry(RpcClusterProperties properties) {
            return new WorkerRegistry(registryConfig(properties));
        }

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        ClusterClient clusterClient(WorkerRegistry registry, RpcClusterProperties properties,
                                    RpcClientProperties clientProperties, RpcTlsFactory tls, RpcCodec codec,
                                    ObjectProvider<ClientInterceptor> interceptors) {
            return ClusterClients.create(registry, properties, clientProperties, tls, codec, interceptors);
        }
    }

    static RegistryConfig registryConfig(RpcClusterProperties properties) {
        RpcClusterProperties.FailureDetector fd = properties.getFailureDetector();
        RpcClusterProperties.Partition partition = properties.getPartition();
        try {
            PhiAccrualConfig detector = PhiAccrualConfig.builder()
                    .threshold(fd.getThreshold())
                    .maxSampleSize(fd.getSampleWindow())
                    .minStdDeviation(fd.getMinStdDeviation())
                    .acceptableHeartbeatPause(fd.getAcceptablePause())
                    .firstHeartbeatEstimate(properties.getHeartbeatInterval())
                    .build();
            RegistryConfig.Builder builder = RegistryConfig.builder()
                    .detector(detector)
                    .partitionFraction(partition.getFraction())
                    .partitionWindow(partition.getWindow())
                    .partitionMinFailures(partition.getMinFailures())
                    .strategy(properties.getLoadBalancing());
            if (fd.getSuspectThreshold() > 0) {
                builder.suspectPhi(fd.getSuspectThreshold());
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidRpcPropertyException("rpcnet.cluster.failure-detector / rpcnet.cluster.partition",
                    e.getMessage(), "a failure-detector or partition setting is out of range");
        }
    }
}
