package io.rpcnet.boot.autoconfigure.client;

import io.rpcnet.boot.annotation.EnableRpcClients;
import io.rpcnet.boot.autoconfigure.RpcCodecAutoConfiguration;
import io.rpcnet.boot.autoconfigure.RpcTlsAutoConfiguration;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.client.ClientInterceptor;
import io.rpcnet.client.RpcClient;
import io.rpcnet.codec.RpcCodec;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * RpcNet clients: the per-target client registry and a proxy bean for every {@code @RpcClient} interface
 * in the application's packages (unless {@code @EnableRpcClients} chooses the packages).
 */
@AutoConfiguration(after = {RpcCodecAutoConfiguration.class, RpcTlsAutoConfiguration.class})
@ConditionalOnClass(RpcClient.class)
@EnableConfigurationProperties(RpcClientProperties.class)
public final class RpcClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RpcClients rpcClients(RpcClientProperties properties, RpcTlsFactory tls, RpcCodec codec,
                          ObjectProvider<ClientInterceptor> interceptors, Environment environment) {
        return new RpcClients(properties, tls, codec, interceptors, environment);
    }

    /** Scans the application's packages when the application did not say where to look. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(annotation = EnableRpcClients.class)
    @Import(AutoConfiguredRpcClientsRegistrar.class)
    static class ScanApplicationPackages {
    }
}
