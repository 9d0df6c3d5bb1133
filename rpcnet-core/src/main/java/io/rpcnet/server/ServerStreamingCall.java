package io.rpcnet.server;

import io.rpcnet.protocol.CallHeader;
import io.rpcnet.transport.ServerTransportCall;

import java.util.concurrent.Executor;

/** {@code void m(Q, StreamObserver<R>)}: one request, then responses pushed through the observer. */
final class ServerStreamingCall extends UnaryCall {

    ServerStreamingCall(RegisteredMethod method, ServerTransportCall call, CallHeader header, Executor executor) {
        super(method, call, header, executor);
    }

    @Override
    void handle(Object argument) throws Exception {
        invoke(argument, responseObserver());
    }
}
