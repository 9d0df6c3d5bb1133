package io.rpcnet.boot.autoconfigure.server;

import io.rpcnet.boot.autoconfigure.RpcCodecAutoConfiguration;
import io.rpcnet.boot.autoconfigure.RpcTlsAutoConfiguration;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.codec.RpcCodec;
import io.rpcnet.server.RpcServer;
import io.rpcnet.server.ServerInterceptor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

import java.util.concurrent.ExecutorService;

/**
 * The embedded RpcNet server: serves every {@code @RpcService} bean, starts and stops with the context.
 * Off with {@code rpcnet.server.enabled=false}.
 */
@AutoConfiguration(after = {RpcCodecAutoConfiguration.class, RpcTlsAutoConfiguration.class})
@ConditionalOnClass(RpcServer.class)
@ConditionalOnBooleanProperty(name = "rpcnet.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RpcServerProperties.class)
public final class RpcServerAutoConfiguration {

    /** Executor for blocking handlers; define a bean named {@code rpcServerExecutor} to replace it. */
    @Bean(name = "rpcServerExecutor", destroyMethod = "shutdown")
    @ConditionalOnMissingBean(name = "rpcServerExecutor")
    ExecutorService rpcServerExecutor(RpcServerProperties properties) {
        return HandlerExecutorFactory.create(properties.getExecutor());
    }

    @Bean
    @ConditionalOnMissingBean
    RpcServerLifecycle rpcServerLifecycle(RpcServerProperties properties, RpcTlsFactory tls, RpcCodec codec,
                                          ObjectProvider<ServerInterceptor> interceptors,
                                          ApplicationContext context, ConfigurableEnvironment environment) {
        return new RpcServerLifecycle(properties, tls, codec, interceptors,
                context.getBean("rpcServerExecutor", java.util.concurrent.Executor.class), context, environment);
    }
}
