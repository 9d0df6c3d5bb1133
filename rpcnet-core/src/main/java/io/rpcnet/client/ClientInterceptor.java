package io.rpcnet.client;

/**
 * Runs before every call leaves the client: add metadata, register a close listener, or throw
 * {@link io.rpcnet.protocol.RpcException} to fail the call without sending it. Applied in order.
 */
@FunctionalInterface
public interface ClientInterceptor {

    void interceptCall(ClientCallInfo call);
}
