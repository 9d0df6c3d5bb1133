package io.rpcnet.boot.autoconfigure.cluster;

import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.server.RpcServerAutoConfiguration;
import io.rpcnet.boot.autoconfigure.server.RpcServerLifecycle;
import io.rpcnet.boot.autoconfigure.server.RpcServerProperties;
import io.rpcnet.boot.autoconfigure.server.RpcServiceDefinition;
import io.rpcnet.boot.autoconfigure.migration.RpcMigrationProperties;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.membership.DirectorMembership;
import io.rpcnet.cluster.membership.DrainHandler;
import io.rpcnet.migration.participant.MigrationParticipant;
import io.rpcnet.cluster.membership.MembershipService;
import org.springframework.core.env.Environment;
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

import java.time.Duration;

/**
 * The cluster, by {@code rpcnet.cluster.role}: a director keeps the {@link WorkerRegistry} (phi accrual
 * failure detection, partition awareness, load balancing) and calls workers through a {@link ClusterClient}.
 */
@AutoConfiguration(after = {RpcServerAutoConfiguration.class, RpcClientAutoConfiguration.class,
        RpcCodecAutoConfiguration.class, RpcTlsAutoConfiguration.class})
@ConditionalOnClass(WorkerRegistry.class)
@EnableConfigurationProperties({RpcClusterProperties.class, RpcServerProperties.class, RpcClientProperties.class,
        RpcMigrationProperties.class})
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

        @Bean(initMethod = "start", destroyMethod = "close")
        @ConditionalOnMissingBean
        DirectorMembership directorMembership(WorkerRegistry registry, RpcClusterProperties properties,
                                              RpcServerProperties serverProperties,
                                              ObjectProvider<DrainHandler> drainHandler) {
            boolean mutualTls = serverProperties.getSsl().isClientAuth();
            String secret = properties.getSecret();
            if ((secret == null || secret.isBlank()) && !mutualTls) {
                throw new InvalidRpcPropertyException("rpcnet.cluster.secret", null, "a director needs a shared "
                        + "secret of at least 32 bytes for workers to prove membership, or mutual TLS "
                        + "(rpcnet.server.ssl.client-auth=true)");
            }
            var builder = DirectorMembership.builder().registry(registry).mutualTls(mutualTls);
            if (secret != null && !secret.isBlank()) {
                if (secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
                    throw new InvalidRpcPropertyException("rpcnet.cluster.secret", "(hidden)",
                            "must be at least 32 bytes long");
                }
                builder.secret(secret);
            }
            DirectorMembership membership = builder.build();
            drainHandler.ifUnique(membership::drainHandler); // e.g. live migration's: drains on request
            return membership;
        }

        /** Serves the membership service on the director's RpcNet server. */
        @Bean
        RpcServiceDefinition<MembershipService> rpcMembershipService(DirectorMembership membership) {
            return new RpcServiceDefinition<>(MembershipService.class, membership);
        }

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        ClusterClient clusterClient(WorkerRegistry registry, RpcClusterProperties properties,
                                    RpcClientProperties clientProperties, RpcTlsFactory tls, RpcCodec codec,
                                    ObjectProvider<ClientInterceptor> interceptors) {
            return ClusterClients.create(registry, properties, clientProperties, tls, codec, interceptors);
        }
    }

    /** Worker role: joins the directors once the server is bound. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "rpcnet.cluster.role", havingValue = "worker")
    static class Worker {

        /** This worker's member id: {@code rpcnet.cluster.member-id}, else the application name + a random suffix. */
        @Bean
        @ConditionalOnMissingBean
        MemberId rpcClusterMemberId(RpcClusterProperties properties, Environment environment) {
            return MemberId.of(ClusterWorkerLifecycle.memberId(properties, environment));
        }

        @Bean
        @ConditionalOnMissingBean
        ClusterWorkerLifecycle clusterWorkerLifecycle(RpcClusterProperties properties,
                                                      RpcClientProperties clientProperties, RpcTlsFactory tls,
                                                      RpcServerLifecycle server, Environment environment,
                                                      MemberId memberId, RpcMigrationProperties migration,
                                                      ObjectProvider<MigrationParticipant> participant) {
            // drain first only where sessions can move: a worker with a migration participant
            Duration drainTimeout = migration.isDrainOnShutdown() && participant.getIfUnique() != null
                    ? migration.requireDrainTimeout() : null;
            return new ClusterWorkerLifecycle(properties, clientProperties, tls, server, environment, memberId,
                    drainTimeout);
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
