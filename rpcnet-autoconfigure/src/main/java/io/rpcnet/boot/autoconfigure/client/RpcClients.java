package io.rpcnet.boot.autoconfigure.client;

import io.rpcnet.boot.autoconfigure.diagnostics.InvalidRpcPropertyException;
import io.rpcnet.boot.autoconfigure.tls.RpcTlsFactory;
import io.rpcnet.client.ClientInterceptor;
import io.rpcnet.client.RpcClient;
import io.rpcnet.codec.RpcCodec;
import io.rpcnet.transport.TransportSettings;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link RpcClient} per named target under {@code rpcnet.client.targets}, created on first use (so an
 * address may refer to {@code ${local.rpcnet.server.port}}) and closed with the context.
 */
public class RpcClients implements DisposableBean {

    private final RpcClientProperties properties;
    private final RpcTlsFactory tls;
    private final RpcCodec codec;
    private final ObjectProvider<ClientInterceptor> interceptors;
    private final Environment environment;
    private final Map<String, RpcClient> clients = new ConcurrentHashMap<>();

    public RpcClients(RpcClientProperties properties, RpcTlsFactory tls, RpcCodec codec,
                      ObjectProvider<ClientInterceptor> interceptors, Environment environment) {
        this.properties = properties;
        this.tls = tls;
        this.codec = codec;
        this.interceptors = interceptors;
        this.environment = environment;
    }

    /** The client of target {@code name}; fails with the property to set when it is not configured. */
    public RpcClient client(String name) {
        return clients.computeIfAbsent(name, this::create);
    }

    /** The deadline of calls to {@code name}: the target's own or the client-wide default. */
    public Duration deadline(String name) {
        RpcClientProperties.Target target = properties.getTargets().get(name);
        return target != null && target.getDefaultDeadline() != null ? target.getDefaultDeadline()
                : properties.getDefaultDeadline();
    }

    private RpcClient create(String name) {
        String prefix = "rpcnet.client.targets." + name;
        RpcClientProperties.Target target = properties.getTargets().get(name);
        if (target == null || target.getAddress() == null || target.getAddress().isBlank()) {
            throw new InvalidRpcPropertyException(prefix + ".address", null,
                    "no address configured for RpcNet target '" + name + "'; set it to host:port");
        }
        String address = environment.resolveRequiredPlaceholders(target.getAddress());
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(address.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new InvalidRpcPropertyException(prefix + ".address", address, "expected host:port");
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        String bundle = target.getSslBundle() != null ? target.getSslBundle() : properties.getSsl().getBundle();
        String bundleProperty = target.getSslBundle() != null ? prefix + ".ssl-bundle" : "rpcnet.client.ssl.bundle";
        RpcClient.Builder builder = RpcClient.builder()
                .target(host, port)
                .tls(tls.client(bundle, bundleProperty, target.getServerName()))
                .codec(codec)
                .settings(settings());
        List<ClientInterceptor> ordered = interceptors.orderedStream().toList();
        ordered.forEach(builder::interceptor);
        return builder.build();
    }

    private TransportSettings settings() {
        return properties.applyTo(TransportSettings.builder(), "rpcnet.client").build();
    }

    @Override
    public void destroy() {
        clients.values().forEach(RpcClient::close);
        clients.clear();
    }
}
