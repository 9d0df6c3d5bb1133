package io.rpcnet.boot.autoconfigure;

import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.transport.ServerTls;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;

/** Resolves RpcNet TLS from Spring Boot SSL bundles (replace {@link RpcTlsFactory} to customise). */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass(ServerTls.class)
public final class RpcTlsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RpcTlsFactory rpcTlsFactory(SslBundles sslBundles) {
        return new RpcTlsFactory(sslBundles);
    }
}
