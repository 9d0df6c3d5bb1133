package io.rpcnet.server;

import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.session.RpcSession;

import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * A method of a registered service bound to its implementation, resolved once at registration;
 * {@code handle} has type {@code (Object[])Object}. A method taking an {@link RpcSession} is given the session
 * the call runs in ({@link RpcSession#current()}, bound by the session interceptor; {@code null} for a call
 * without a session), put in its argument array just before the target runs.
 */
record RegisteredMethod(MethodDescriptor descriptor, Object target, MethodHandle handle,
                        List<ServerInterceptor> interceptors) {

    Object invoke(CallContext context, Object[] args) throws Exception {
        if (interceptors.isEmpty()) {
            return invokeTarget(args);
        }
        return new Chain(context, args, 0).proceed();
    }

    private Object invokeTarget(Object[] args) throws Exception {
        int session = descriptor.sessionIndex();
        if (session >= 0) {
            args[session] = RpcSession.current();
        }
        try {
            return (Object) handle.invokeExact(args);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private final class Chain implements ServerInvocation {
        private final CallContext context;
        private final Object[] args;
        private final int index;

        Chain(CallContext context, Object[] args, int index) {
            this.context = context;
            this.args = args;
            this.index = index;
        }

        @Override
        public CallContext context() {
            return context;
        }

        @Override
        public Object[] arguments() {
            return args;
        }

        @Override
        public Object proceed() throws Exception {
            if (index == interceptors.size()) {
                return invokeTarget(args);
            }
            return interceptors.get(index).intercept(new Chain(context, args, index + 1));
        }
    }
}
