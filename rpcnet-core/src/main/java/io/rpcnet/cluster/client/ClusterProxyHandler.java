package io.rpcnet.cluster.client;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcProxyHandler;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.service.ProxyObjectMethods;
import io.rpcnet.service.ServiceDescriptor;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.function.UnaryOperator;

/** Turns calls on a {@link ClusterClient#proxy} into routed cluster calls. */
final class ClusterProxyHandler implements RpcProxyHandler {

    private final ClusterClient client;
    private final ServiceDescriptor service;
    private final TagFilter filter;
    private final CallOptions options;
    private final String description;

    ClusterProxyHandler(ClusterClient client, ServiceDescriptor service, TagFilter filter, CallOptions options) {
        this.client = client;
        this.service = service;
        this.filter = filter;
        this.options = options;
        this.description = "ClusterProxy[" + service.name() + " via " + client + ", " + WorkerSelector.describe(filter)
                + (options.sessionId() == null ? "" : ", session " + options.sessionId()) + "]";
    }

    @Override
    public RpcProxyHandler withOptions(UnaryOperator<CallOptions> change) {
        return new ClusterProxyHandler(client, service, filter, change.apply(options));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (ProxyObjectMethods.handles(method)) {
            return ProxyObjectMethods.invoke(proxy, method, args, description);
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        MethodDescriptor descriptor = service.method(method);
        Object[] arguments = descriptor.callArguments(args); // without an RpcSession argument
        if (descriptor.type().isStreaming()) {
            return client.stream(descriptor, arguments, filter, options);
        }
        return descriptor.async()
                ? client.invokeAsync(descriptor, arguments, filter, options)
                : client.invokeBlocking(descriptor, arguments, filter, options);
    }
}
