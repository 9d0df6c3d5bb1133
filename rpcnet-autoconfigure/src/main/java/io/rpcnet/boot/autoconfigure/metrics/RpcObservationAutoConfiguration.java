package io.rpcnet.boot.autoconfigure.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.rpcnet.client.ClientInterceptor;
import io.rpcnet.server.ServerInterceptor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Wraps calls in Micrometer Observations ({@code rpcnet.server.call} / {@code rpcnet.client.call}) so
 * tracing works when Micrometer Tracing is on the classpath; the server's observation is in scope while
 * the handler runs.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
public final class RpcObservationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "rpcServerObservationInterceptor")
    @Order(Ordered.HIGHEST_PRECEDENCE + 20)
    ServerInterceptor rpcServerObservationInterceptor(ObservationRegistry registry) {
        return invocation -> {
            var context = invocation.context();
            Observation observation = Observation.createNotStarted("rpcnet.server.call", registry)
                    .contextualName(context.method().fullName())
                    .lowCardinalityKeyValue("rpc.service", context.method().serviceName())
                    .lowCardinalityKeyValue("rpc.method", context.method().methodName())
                    .start();
            context.onClose(status -> observation.lowCardinalityKeyValue("rpc.status", status.code().name()).stop());
            try (Observation.Scope ignored = observation.openScope()) {
                return invocation.proceed();
            } catch (Exception e) {
                observation.error(e);
                throw e;
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean(name = "rpcClientObservationInterceptor")
    @Order(Ordered.HIGHEST_PRECEDENCE + 20)
    ClientInterceptor rpcClientObservationInterceptor(ObservationRegistry registry) {
        return call -> {
            Observation observation = Observation.createNotStarted("rpcnet.client.call", registry)
                    .contextualName(call.method().fullName())
                    .lowCardinalityKeyValue("rpc.service", call.method().serviceName())
                    .lowCardinalityKeyValue("rpc.method", call.method().methodName())
                    .start();
            call.onClose(status -> observation.lowCardinalityKeyValue("rpc.status", status.code().name()).stop());
        };
    }
}
