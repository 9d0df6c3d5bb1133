package io.rpcnet.client;

import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.service.ProxyObjectMethods;
import io.rpcnet.service.ServiceDescriptor;
import io.rpcnet.service.StreamObserver;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Turns proxy method calls into RPCs, by the shape resolved once in the {@link ServiceDescriptor}. */
final class ClientProxyHandler implements RpcProxyHandler {

    private final ServiceDescriptor service;
    private final ClientCalls calls;
    private final CallOptions options;
    private final String client;
    private final String description;

    ClientProxyHandler(ServiceDescriptor service, ClientCalls calls, CallOptions options, String client) {
        this.service = service;
        this.calls = calls;
        this.options = options;
        this.client = client;
        this.description = "RpcProxy[" + service.name() + " via " + client
                + (options.sessionId() == null ? "" : ", session " + options.sessionId()) + "]";
    }

    @Override
    public RpcProxyHandler withOptions(UnaryOperator<CallOptions> change) {
        return new ClientProxyHandler(service, calls, change.apply(options), client);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object invoke(Object proxy, Method method, Object[] javaArgs) throws Throwable {
        if (ProxyObjectMethods.handles(method)) {
            return ProxyObjectMethods.invoke(proxy, method, javaArgs, description);
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, javaArgs);
        }
        MethodDescriptor descriptor = service.method(method);
        Object[] args = descriptor.callArguments(javaArgs); // an RpcSession argument is never sent
        return switch (descriptor.type()) {
            case UNARY -> {
                Object request = descriptor.hasRequest() ? args[0] : null;
                yield descriptor.async() ? calls.asyncUnary(descriptor, request, options)
                        : calls.blockingUnary(descriptor, request, options);
            }
            case SERVER_STREAMING -> {
                calls.serverStreaming(descriptor, args[0], (StreamObserver<Object>) args[1], options);
                yield null;
            }
            case CLIENT_STREAMING -> calls.clientStreaming(descriptor, (Stream<?>) args[0], options);
            case BIDI_STREAMING -> calls.bidiStreaming(descriptor, (StreamObserver<Object>) args[0], options);
        };
    }
}
