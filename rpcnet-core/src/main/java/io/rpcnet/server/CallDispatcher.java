package io.rpcnet.server;

import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.transport.ServerCallAcceptor;
import io.rpcnet.transport.ServerCallListener;
import io.rpcnet.transport.ServerTransportCall;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/** Routes each new call to its method by name (one hash lookup) and starts the right call shape. */
final class CallDispatcher implements ServerCallAcceptor {

    private final Map<String, RegisteredMethod> methods;
    private final Set<String> services;
    private final Executor executor;

    CallDispatcher(Map<String, RegisteredMethod> methods, Set<String> services, Executor executor) {
        this.methods = methods;
        this.services = services;
        this.executor = executor;
    }

    @Override
    public ServerCallListener accept(ServerTransportCall call, CallHeader header) {
        RegisteredMethod method = methods.get(header.method());
        if (method == null) {
            String service = header.serviceName();
            throw new RpcException(StatusCode.UNIMPLEMENTED, services.contains(service)
                    ? "unknown method '" + header.method() + "': service " + service + " has no such method"
                    : "unknown service '" + service + "'");
        }
        boolean streaming = method.descriptor().type().isStreaming();
        if (streaming != call.isDedicated()) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, header.method() + " is "
                    + method.descriptor().type() + (streaming ? " and needs a dedicated stream"
                    : " and must not use a dedicated stream"));
        }
        return switch (method.descriptor().type()) {
            case UNARY -> new UnaryCall(method, call, header, executor);
            case SERVER_STREAMING -> new ServerStreamingCall(method, call, header, executor);
            case CLIENT_STREAMING -> new ClientStreamingCall(method, call, header, executor);
            case BIDI_STREAMING -> new BidiStreamingCall(method, call, header, executor);
        };
    }
}
