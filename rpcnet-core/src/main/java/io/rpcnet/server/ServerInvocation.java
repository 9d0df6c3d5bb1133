package io.rpcnet.server;

/** One handler invocation as an interceptor sees it. */
public interface ServerInvocation {

    CallContext context();

    /**
     * The arguments the handler will receive (request, stream, observer), in the Java method's order; a
     * {@code RpcSession} parameter's slot is filled with the call's session just before the handler runs.
     */
    Object[] arguments();

    /** Runs the next interceptor or, at the end, the handler; returns what it returned. */
    Object proceed() throws Exception;
}
