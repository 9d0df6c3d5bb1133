package io.rpcnet.boot.autoconfigure.actuate;

import io.rpcnet.boot.autoconfigure.server.RpcServerAutoConfiguration;
import io.rpcnet.boot.autoconfigure.server.RpcServerLifecycle;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Actuator integration of the RpcNet server: health {@code rpcnet} and the {@code rpcnet} info entry. */
@AutoConfiguration(after = RpcServerAutoConfiguration.class)
@ConditionalOnBean(RpcServerLifecycle.class)
public final class RpcActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnEnabledHealthIndicator("rpcnet")
    static class Health {

        @Bean
        @ConditionalOnMissingBean(name = "rpcnetHealthIndicator")
        RpcServerHealthIndicator rpcnetHealthIndicator(RpcServerLifecycle lifecycle) {
            return new RpcServerHealthIndicator(lifecycle);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.info.InfoContributor")
    static class Info {

        @Bean
        @ConditionalOnMissingBean(name = "rpcnetInfoContributor")
        RpcServerInfoContributor rpcnetInfoContributor(RpcServerLifecycle lifecycle) {
            return new RpcServerInfoContributor(lifecycle);
        }
    }
}
