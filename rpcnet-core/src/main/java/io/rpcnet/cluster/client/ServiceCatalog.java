package io.rpcnet.cluster.client;

import io.rpcnet.codec.RpcCodec;
import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.service.ServiceDescriptor;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service interfaces registered with a {@link ClusterClient} and their methods by full name
 * ({@code Service/method}), so calls by name find their descriptor. Its own class so the client keeps its public
 * API and wiring.
 */
final class ServiceCatalog {

    private final RpcCodec codec;
    private final Map<Class<?>, ServiceDescriptor> services = new ConcurrentHashMap<>();
    private final Map<String, MethodDescriptor> methods = new ConcurrentHashMap<>();

    ServiceCatalog(RpcCodec codec) {
        this.codec = codec;
    }

    /** Registers {@code serviceInterface} (once) and its methods; returns its descriptor. */
    ServiceDescriptor register(Class<?> serviceInterface) {
        ServiceDescriptor known = services.get(serviceInterface);
        if (known != null) {
            return known;
        }
        ServiceDescriptor descriptor = services.computeIfAbsent(serviceInterface,
                type -> ServiceDescriptor.of(type, codec));
        for (MethodDescriptor m : descriptor.methods()) {
            methods.putIfAbsent(m.fullName(), m);
        }
        return descriptor;
    }

    /**
     * The descriptor of {@code fullName} from a registered interface.
     *
     * @throws IllegalArgumentException if no registered interface declares it
     */
    MethodDescriptor method(String fullName) {
        MethodDescriptor m = methods.get(fullName);
        if (m == null) {
            throw new IllegalArgumentException("unknown RPC method " + fullName + ": register its interface with "
                    + "ClusterClientBuilder.service(...) or register(...) (known: " + new TreeSet<>(methods.keySet())
                    + ")");
        }
        return m;
    }
}
