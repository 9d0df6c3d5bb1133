package io.rpcnet.boot.autoconfigure.server;

import java.util.Objects;

/**
 * A service to serve without annotating a bean: infrastructure (such as cluster membership) registers its
 * internal services this way, applications may too.
 *
 * @param serviceInterface the service contract
 * @param implementation   the object that serves it
 */
public record RpcServiceDefinition<T>(Class<T> serviceInterface, T implementation) {

    public RpcServiceDefinition {
        Objects.requireNonNull(serviceInterface, "serviceInterface");
        Objects.requireNonNull(implementation, "implementation");
        if (!serviceInterface.isInstance(implementation)) {
            throw new IllegalArgumentException(implementation.getClass().getName() + " does not implement "
                    + serviceInterface.getName());
        }
    }
}
