package io.rpcnet.service;

import java.lang.reflect.Method;

/**
 * The {@code Object} methods of service proxies ({@code equals}, {@code hashCode}, {@code toString}),
 * answered locally and the same way by every kind of RpcNet proxy: identity equality and a description.
 */
public final class ProxyObjectMethods {

    private ProxyObjectMethods() {
    }

    /** Whether {@code method} is declared by {@code Object} and must not become a remote call. */
    public static boolean handles(Method method) {
        return method.getDeclaringClass() == Object.class;
    }

    /** The answer to an {@code Object} method called on {@code proxy}. */
    public static Object invoke(Object proxy, Method method, Object[] args, String description) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> description;
        };
    }
}
