package io.rpcnet.boot.autoconfigure.migration;

import io.rpcnet.boot.autoconfigure.client.RpcClientProperties;
import io.rpcnet.boot.autoconfigure.cluster.RpcClusterProperties;
import io.rpcnet.boot.autoconfigure.director.RpcDirectorGatewayAutoConfiguration;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.cluster.membership.DrainHandler;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.migration.coordinator.MigrationCoordinator;
import io.rpcnet.migration.coordinator.MigrationService;
import io.rpcnet.migration.token.MigrationTokenManager;
import io.rpcnet.transport.TransportSettings;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The director's side of live migration ({@code rpcnet.cluster.role=director} with the gateway): the
 * {@link MigrationCoordinator}, exposed as {@link MigrationService}, moving sessions between workers through
 * the gateway's routes and call holds; tokens signed with the shared token key by a
 * {@link MigrationTokenManager} of the director's own; and the {@link DrainHandler} that drains workers asking
 * for it before they shut down.
 */
@AutoConfiguration(after = RpcDirectorGatewayAutoConfiguration.class)
@ConditionalOnClass(MigrationCoordinator.class)
@ConditionalOnProperty(name = "rpcnet.cluster.role", havingValue = "director")
@ConditionalOnBean(DirectorGateway.class)
@EnableConfigurationProperties({RpcMigrationProperties.class, RpcClusterProperties.class, RpcClientProperties.class})
public final class RpcMigrationDirectorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MigrationKeys migrationKeys(RpcMigrationProperties properties, RpcClusterProperties cluster) {
        return MigrationKeys.forDirector(properties, cluster.getSecret());
    }

    /** The director's own token manager (on the key the workers share). */
    @Bean
    @ConditionalOnMissingBean
    MigrationTokenManager migrationTokenManager(MigrationKeys keys, RpcMigrationProperties properties) {
        return MigrationConfigs.tokenManager(keys.tokens(), properties);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(MigrationService.class)
    MigrationCoordinator migrationCoordinator(DirectorGateway gateway, MigrationTokenManager tokens,
                                              RpcMigrationProperties properties, RpcClientProperties client,
                                              RpcTlsFactory tls) {
        return MigrationCoordinator.builder()
                .gateway(gateway)
                .tokens(tokens)
                .settings(MigrationConfigs.settings(properties))
                .workerTls(tls.client(client.getSsl().getBundle(), "rpcnet.client.ssl.bundle", null))
                .workerSettings(client.applyTo(TransportSettings.builder(), "rpcnet.client").build())
                .build();
    }

    /** Installed on the director's membership service: drains a worker that asks for it on shutdown. */
    @Bean
    @ConditionalOnMissingBean
    DrainHandler migrationDrainHandler(MigrationService migrations) {
        return new MigrationDrainHandler(migrations);
    }
}
