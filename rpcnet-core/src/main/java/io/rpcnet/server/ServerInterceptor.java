package io.rpcnet.server;

/**
 * Wraps handler invocations, for every call shape: authentication, logging context, metrics. Call
 * {@link ServerInvocation#proceed()} to continue, or throw {@link io.rpcnet.protocol.RpcException} to end
 * the call with that status. Interceptors run in the order given, on the handler's thread.
 */
@FunctionalInterface
public interface ServerInterceptor {

    Object intercept(ServerInvocation invocation) throws Exception;
}
