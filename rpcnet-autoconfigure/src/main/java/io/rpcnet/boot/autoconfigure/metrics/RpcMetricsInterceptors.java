package io.rpcnet.boot.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.rpcnet.client.ClientInterceptor;
import io.rpcnet.server.ServerInterceptor;
import io.rpcnet.service.MethodDescriptor;

/**
 * Times every call as {@code rpcnet.server.calls} / {@code rpcnet.client.calls}, tagged service, method
 * and final status, whatever the call shape (the timer stops when the call ends, not when the handler
 * returns).
 */
public final class RpcMetricsInterceptors {

    public static final String SERVER_CALLS = "rpcnet.server.calls";
    public static final String CLIENT_CALLS = "rpcnet.client.calls";

    private RpcMetricsInterceptors() {
    }

    public static ServerInterceptor server(MeterRegistry registry) {
        return invocation -> {
            Timer.Sample sample = Timer.start(registry);
            MethodDescriptor method = invocation.context().method();
            invocation.context().onClose(status -> sample.stop(Timer.builder(SERVER_CALLS)
                    .description("RPC calls served")
                    .tags(tags(method, status.code().name()))
                    .register(registry)));
            return invocation.proceed();
        };
    }

    public static ClientInterceptor client(MeterRegistry registry) {
        return call -> {
            Timer.Sample sample = Timer.start(registry);
            MethodDescriptor method = call.method();
            call.onClose(status -> sample.stop(Timer.builder(CLIENT_CALLS)
                    .description("RPC calls made")
                    .tags(tags(method, status.code().name()))
                    .register(registry)));
        };
    }

    private static Tags tags(MethodDescriptor method, String status) {
        return Tags.of("service", method.serviceName(), "method", method.methodName(), "status", status);
    }
}
