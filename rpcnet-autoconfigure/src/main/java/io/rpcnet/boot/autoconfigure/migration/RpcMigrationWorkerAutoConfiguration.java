package io.rpcnet.boot.autoconfigure.migration;

import io.rpcnet.boot.autoconfigure.cluster.RpcClusterProperties;
import io.rpcnet.boot.autoconfigure.server.RpcServiceDefinition;
import io.rpcnet.boot.autoconfigure.session.RpcSessionAutoConfiguration;
import io.rpcnet.migration.crypto.EncryptionService;
import io.rpcnet.migration.participant.MigrationParticipant;
import io.rpcnet.migration.serialization.SerializationService;
import io.rpcnet.migration.snapshot.MigrationStateHandler;
import io.rpcnet.migration.snapshot.StateHandlers;
import io.rpcnet.migration.token.MigrationTokenManager;
import io.rpcnet.migration.transfer.SnapshotTransfer;
import io.rpcnet.migration.wire.MigrationProtocol;
import io.rpcnet.session.SessionManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A worker's side of live migration ({@code rpcnet.cluster.role=worker} with sessions on): the
 * {@link MigrationParticipant} served as {@code RpcNetMigration} on the worker's RpcNet server, with its
 * {@link StateHandlers} (every {@link MigrationStateHandler} bean), {@link SnapshotTransfer} and a
 * {@link MigrationTokenManager} of its own, all on the shared {@link MigrationKeys}.
 */
@AutoConfiguration(after = RpcSessionAutoConfiguration.class)
@ConditionalOnClass(MigrationParticipant.class)
@ConditionalOnProperty(name = "rpcnet.cluster.role", havingValue = "worker")
@ConditionalOnBooleanProperty(name = "rpcnet.session.enabled", matchIfMissing = true)
@EnableConfigurationProperties({RpcMigrationProperties.class, RpcClusterProperties.class})
public final class RpcMigrationWorkerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MigrationKeys migrationKeys(RpcMigrationProperties properties, RpcClusterProperties cluster) {
        return MigrationKeys.forWorker(properties, cluster.getSecret());
    }

    @Bean
    @ConditionalOnMissingBean
    StateHandlers migrationStateHandlers(ObjectProvider<MigrationStateHandler> handlers) {
        return new StateHandlers(handlers.orderedStream().toList());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SerializationService migrationSerializationService(RpcMigrationProperties properties) {
        return new SerializationService(MigrationConfigs.serialization(properties));
    }

    @Bean
    @ConditionalOnMissingBean
    SnapshotTransfer migrationSnapshotTransfer(SerializationService serialization, MigrationKeys keys) {
        return new SnapshotTransfer(serialization, new EncryptionService(keys.encryption()));
    }

    /** This worker's own token manager: its replay guard is what makes each token single-use here. */
    @Bean
    @ConditionalOnMissingBean
    MigrationTokenManager migrationTokenManager(MigrationKeys keys, RpcMigrationProperties properties) {
        return MigrationConfigs.tokenManager(keys.tokens(), properties);
    }

    @Bean
    @ConditionalOnMissingBean
    MigrationParticipant migrationParticipant(SessionManager sessions, StateHandlers handlers,
                                              SnapshotTransfer transfer, MigrationTokenManager tokens,
                                              RpcMigrationProperties properties) {
        MigrationConfigs.positive("frozen-timeout", properties.getFrozenTimeout());
        MigrationConfigs.positive("stale-timeout", properties.getStaleTimeout());
        return MigrationParticipant.builder()
                .sessions(sessions)
                .handlers(handlers)
                .transfer(transfer)
                .tokens(tokens)
                .frozenTimeout(properties.getFrozenTimeout())
                .staleTimeout(properties.getStaleTimeout())
                .build();
    }

    /** Serves the participant on the worker's RpcNet server, where the director's coordinator calls it. */
    @Bean
    RpcServiceDefinition<MigrationProtocol> rpcMigrationProtocol(MigrationParticipant participant) {
        return new RpcServiceDefinition<>(MigrationProtocol.class, participant);
    }
}
