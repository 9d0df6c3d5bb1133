package io.rpcnet.boot.autoconfigure.session;

import io.rpcnet.boot.autoconfigure.cluster.RpcClusterAutoConfiguration;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.migration.participant.MigrationParticipant;
import io.rpcnet.session.SessionManager;
import io.rpcnet.session.SessionValueCodec;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.time.Duration;

/**
 * Sessions on a worker ({@code rpcnet.cluster.role=worker}, off with {@code rpcnet.session.enabled=false}): the
 * {@link SessionManager} the RpcNet server serves sessions from, owned by the worker's cluster member id, and
 * a {@link SessionSweeper} for idle sessions and abandoned migrations.
 */
@AutoConfiguration(after = RpcClusterAutoConfiguration.class)
@ConditionalOnClass(SessionManager.class)
@ConditionalOnProperty(name = "rpcnet.cluster.role", havingValue = "worker")
@ConditionalOnBooleanProperty(name = "rpcnet.session.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RpcSessionProperties.class)
public final class RpcSessionAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SessionManager rpcSessionManager(MemberId memberId, RpcSessionProperties properties,
                                     ObjectProvider<SessionValueCodec> codec) {
        nonNegative("rpcnet.session.idle-timeout", properties.getIdleTimeout());
        nonNegative("rpcnet.session.moved-grace", properties.getMovedGrace());
        nonNegative("rpcnet.session.max-change-log", properties.getMaxChangeLog());
        nonNegative("rpcnet.session.max-cached-responses", properties.getMaxCachedResponses());
        nonNegative("rpcnet.session.max-moved-sessions", properties.getMaxMovedSessions());
        SessionManager.Builder builder = SessionManager.builder(memberId.value())
                .idleTimeout(properties.getIdleTimeout())
                .maxChangeLog(properties.getMaxChangeLog())
                .maxCachedResponses(properties.getMaxCachedResponses())
                .movedGrace(properties.getMovedGrace())
                .maxMovedSessions(properties.getMaxMovedSessions());
        codec.ifAvailable(builder::codec);
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    SessionSweeper rpcSessionSweeper(SessionManager sessions, RpcSessionProperties properties,
                                     ObjectProvider<MigrationParticipant> participant) {
        Duration interval = properties.getSweepInterval();
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new InvalidRpcPropertyException("rpcnet.session.sweep-interval", interval,
                    "must be a positive duration, e.g. 5s");
        }
        return new SessionSweeper(sessions, participant::getIfUnique, interval);
    }

    private static void nonNegative(String property, Duration value) {
        if (value == null || value.isNegative()) {
            throw new InvalidRpcPropertyException(property, value, "must be zero (never) or a positive duration");
        }
    }

    private static void nonNegative(String property, int value) {
        if (value < 0) {
            throw new InvalidRpcPropertyException(property, value, "must be zero or positive");
        }
    }
}
