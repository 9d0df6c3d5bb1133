package io.rpcnet.boot.autoconfigure.director;

import io.rpcnet.boot.autoconfigure.client.RpcClientProperties;
import io.rpcnet.boot.autoconfigure.cluster.RpcClusterAutoConfiguration;
import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.server.RpcServerProperties;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.transport.TransportSettings;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The director's gateway ({@code rpcnet.cluster.role=director}, off with
 * {@code rpcnet.director.gateway.enabled=false}): clients call it, it forwards each call to the worker that
 * holds the call's session or to a balanced worker. It presents the server's certificate
 * ({@code rpcnet.server.ssl.*}) and verifies workers with the client trust ({@code rpcnet.client.ssl.bundle}),
 * as the director's cluster client does.
 */
@AutoConfiguration(after = RpcClusterAutoConfiguration.class)
@ConditionalOnClass(DirectorGateway.class)
@ConditionalOnProperty(name = "rpcnet.cluster.role", havingValue = "director")
@ConditionalOnBooleanProperty(name = "rpcnet.director.gateway.enabled", matchIfMissing = true)
@EnableConfigurationProperties({RpcDirectorGatewayProperties.class, RpcServerProperties.class,
        RpcClientProperties.class})
public final class RpcDirectorGatewayAutoConfiguration {

    /** The gateway, bound by {@link DirectorGatewayLifecycle} when the context is refreshed. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    DirectorGateway directorGateway(RpcDirectorGatewayProperties properties, RpcServerProperties server,
                                    RpcClientProperties client, RpcTlsFactory tls, WorkerRegistry registry) {
        if (properties.getPort() < 0 || properties.getPort() > 65535) {
            throw new InvalidRpcPropertyException("rpcnet.director.gateway.port", properties.getPort(),
                    "must be between 0 (any free port) and 65535");
        }
        InetAddress address = properties.getBindAddress() != null ? properties.getBindAddress() : server.getAddress();
        InetSocketAddress bind = address == null ? new InetSocketAddress(properties.getPort())
                : new InetSocketAddress(address, properties.getPort());
        return DirectorGateway.builder()
                .bindAddress(bind)
                .tls(tls.server(server.getSsl().getBundle(), server.getSsl().isSelfSigned(),
                        server.getSsl().isClientAuth()))
                .settings(properties.applyTo(TransportSettings.builder(), "rpcnet.director.gateway").build())
                .workerTls(tls.client(client.getSsl().getBundle(), "rpcnet.client.ssl.bundle", null))
                .workerSettings(client.applyTo(TransportSettings.builder(), "rpcnet.client").build())
                .registry(registry)
                .build();
    }

    @Bean
    @ConditionalOnMissingBean
    DirectorGatewayLifecycle directorGatewayLifecycle(DirectorGateway gateway, ConfigurableEnvironment environment) {
        return new DirectorGatewayLifecycle(gateway, environment);
    }
}
