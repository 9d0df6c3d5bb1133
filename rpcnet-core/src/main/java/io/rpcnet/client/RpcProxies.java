package io.rpcnet.client;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Derives proxies with other call options from an existing RpcNet proxy, the way a gRPC stub's
 * {@code withDeadline}/{@code withOption} do. Its main use: an injected {@code @RpcClient} proxy is shared and
 * carries no session, so a caller binds a copy to the session it opened:
 * <pre>{@code
 * CartView opened = cart.open();
 * Cart mine = RpcProxies.withSession(cart, opened.sessionId());
 * mine.add("book"); // routed to the worker holding the session, wherever it moves
 * }</pre>
 * The original proxy is unchanged; derived proxies share its client and connection, so they are cheap.
 */
public final class RpcProxies {

    private RpcProxies() {
    }

    /**
     * A proxy like {@code proxy} whose calls belong to session {@code sessionId}.
     *
     * @throws IllegalArgumentException if {@code proxy} is not an RpcNet proxy or the id is blank
     */
    public static <T> T withSession(T proxy, String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        if (sessionId.isBlank()) {
            throw new IllegalArgumentException("sessionId must not be blank");
        }
        return withOptions(proxy, options -> options.withSessionId(sessionId));
    }

    /** A proxy like {@code proxy} whose calls belong to no session (e.g. to open a new one). */
    public static <T> T withoutSession(T proxy) {
        return withOptions(proxy, options -> options.withSessionId(null));
    }

    /** A proxy like {@code proxy} whose calls wait at most {@code timeout} each. */
    public static <T> T withTimeout(T proxy, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return withOptions(proxy, options -> options.withTimeout(timeout));
    }

    /**
     * A proxy like {@code proxy} whose calls use {@code change} applied to its options.
     *
     * @throws IllegalArgumentException if {@code proxy} is not an RpcNet proxy
     */
    @SuppressWarnings("unchecked")
    public static <T> T withOptions(T proxy, UnaryOperator<CallOptions> change) {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(change, "change");
        Class<?> type = proxy.getClass();
        if (!Proxy.isProxyClass(type) || !(Proxy.getInvocationHandler(proxy) instanceof RpcProxyHandler handler)) {
            throw new IllegalArgumentException(type.getName() + " is not an RpcNet proxy (one from RpcClient.proxy, "
                    + "ClusterClient.proxy or an @RpcClient bean)");
        }
        return (T) Proxy.newProxyInstance(type.getClassLoader(), type.getInterfaces(), handler.withOptions(change));
    }
}
