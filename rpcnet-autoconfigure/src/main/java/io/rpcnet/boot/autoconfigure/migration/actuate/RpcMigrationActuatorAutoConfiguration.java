package io.rpcnet.boot.autoconfigure.migration.actuate;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.migration.RpcMigrationDirectorAutoConfiguration;
import io.rpcnet.boot.autoconfigure.migration.RpcMigrationProperties;
import io.rpcnet.boot.autoconfigure.migration.RpcMigrationWorkerAutoConfiguration;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.migration.coordinator.MigrationCoordinator;
import io.rpcnet.migration.coordinator.MigrationService;
import io.rpcnet.session.SessionManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;

/**
 * Actuator for live migration. On a director (with a {@link MigrationService}): the endpoint {@code migration}
 * (read-only unless {@code management.endpoint.migration.access=unrestricted}), health {@code migration} and,
 * with Micrometer, the {@code rpcnet.migration.*} meters and gauge {@code rpcnet.sessions.active} (sessions
 * in the routing table). On a worker: gauge {@code rpcnet.sessions.active} (sessions it holds).
 */
@AutoConfiguration(after = {RpcMigrationDirectorAutoConfiguration.class, RpcMigrationWorkerAutoConfiguration.class},
        afterName = {
                "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
                "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple"
                        + ".SimpleMetricsExportAutoConfiguration",
                "io.rpcnet.boot.autoconfigure.session.RpcSessionAutoConfiguration"})
public final class RpcMigrationActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(MigrationService.class)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    @ConditionalOnAvailableEndpoint(MigrationEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MigrationEndpoint migrationEndpoint(MigrationService migrations, ObjectProvider<Clock> clock) {
            return new MigrationEndpoint(migrations, clock.getIfUnique(Clock::systemUTC));
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(MigrationEndpoint.class)
        @ConditionalOnAvailableEndpoint(endpoint = MigrationEndpoint.class, exposure = EndpointExposure.WEB)
        MigrationEndpointWebExtension migrationEndpointWebExtension(MigrationEndpoint endpoint) {
            return new MigrationEndpointWebExtension(endpoint);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(MigrationService.class)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnEnabledHealthIndicator("migration")
    @EnableConfigurationProperties({RpcMigrationProperties.class, RpcMigrationHealthProperties.class})
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "migrationHealthIndicator")
        MigrationHealthIndicator migrationHealthIndicator(MigrationService migrations,
                                                          ObjectProvider<WorkerRegistry> registry,
                                                          RpcMigrationProperties properties,
                                                          RpcMigrationHealthProperties health,
                                                          ObjectProvider<Clock> clock) {
            check(health);
            Duration stuckAfter = properties.getTimeout().plus(health.getStuckMargin());
            return new MigrationHealthIndicator(migrations, registry.getIfUnique(), stuckAfter, health,
                    clock.getIfUnique(Clock::systemUTC));
        }

        private static void check(RpcMigrationHealthProperties health) {
            String p = "rpcnet.migration.health.";
            if (health.getWindow() == null || health.getWindow().isNegative() || health.getWindow().isZero()) {
                throw new InvalidRpcPropertyException(p + "window", health.getWindow(), "must be a positive duration");
            }
            double threshold = health.getFailureRateThreshold();
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new InvalidRpcPropertyException(p + "failure-rate-threshold", threshold,
                        "must be between 0 and 1");
            }
            if (health.getMinMigrations() < 1) {
                throw new InvalidRpcPropertyException(p + "min-migrations", health.getMinMigrations(),
                        "must be at least 1");
            }
            if (health.getStuckMargin() == null || health.getStuckMargin().isNegative()) {
                throw new InvalidRpcPropertyException(p + "stuck-margin", health.getStuckMargin(),
                        "must be zero or a positive duration");
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean({MeterRegistry.class, MigrationCoordinator.class})
    static class DirectorMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MigrationMetrics rpcMigrationMetrics(MigrationCoordinator coordinator) {
            return new MigrationMetrics(coordinator);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean({MeterRegistry.class, DirectorGateway.class})
    static class DirectorSessionsMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "rpcSessionsMeterBinder")
        MeterBinder rpcSessionsMeterBinder(DirectorGateway gateway) {
            return registry -> Gauge.builder("rpcnet.sessions.active", gateway, g -> g.routingTable().size())
                    .description("Sessions routed by the director").register(registry);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean({MeterRegistry.class, SessionManager.class})
    static class WorkerSessionsMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "rpcSessionsMeterBinder")
        MeterBinder rpcSessionsMeterBinder(SessionManager sessions) {
            return registry -> Gauge.builder("rpcnet.sessions.active", sessions, SessionManager::activeSessions)
                    .description("Sessions held by this worker").register(registry);
        }
    }
}
