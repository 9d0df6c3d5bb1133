package io.rpcnet.client;

import java.lang.reflect.InvocationHandler;
import java.util.function.UnaryOperator;

/**
 * The invocation handler behind every RpcNet proxy: a plain {@link RpcClient}'s, a cluster client's and an
 * injected {@code @RpcClient} bean's. It exists so {@link RpcProxies} can derive a proxy with other
 * {@link CallOptions} from any of them without knowing which client made it.
 */
public interface RpcProxyHandler extends InvocationHandler {

    /** A handler calling the same target, each call with {@code change} applied to this handler's options. */
    RpcProxyHandler withOptions(UnaryOperator<CallOptions> change);
}
