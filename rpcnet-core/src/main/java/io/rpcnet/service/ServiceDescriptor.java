package io.rpcnet.service;

import io.rpcnet.codec.MessageCodec;
import io.rpcnet.codec.RpcCodec;
import io.rpcnet.session.RpcSession;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A service interface turned into its method table, once, when a server registers it or a client builds a
 * proxy. Signatures decide the call shape ({@link MethodType}); anything else is rejected here with a
 * message naming the method, never at call time. A method may declare one extra parameter of type
 * {@link RpcSession}, anywhere: it is not part of the wire message (the shape is decided by the other
 * parameters), the server passes the call's session there and client proxies ignore it.
 */
public final class ServiceDescriptor {

    private final String name;
    private final Class<?> serviceInterface;
    private final Map<String, MethodDescriptor> byName;
    private final Map<Method, MethodDescriptor> byMethod;

    private ServiceDescriptor(String name, Class<?> serviceInterface, Map<String, MethodDescriptor> byName,
                              Map<Method, MethodDescriptor> byMethod) {
        this.name = name;
        this.serviceInterface = serviceInterface;
        this.byName = byName;
        this.byMethod = byMethod;
    }

    public static ServiceDescriptor of(Class<?> serviceInterface, RpcCodec codec) {
        if (!serviceInterface.isInterface()) {
            throw new IllegalArgumentException(serviceInterface.getName() + " is not an interface");
        }
        RpcName rename = serviceInterface.getAnnotation(RpcName.class);
        String service = rename != null ? rename.value() : serviceInterface.getSimpleName();
        checkName(service, serviceInterface.getName());
        Map<String, MethodDescriptor> byName = new LinkedHashMap<>();
        Map<Method, MethodDescriptor> byMethod = new LinkedHashMap<>();
        for (Method method : serviceInterface.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers())
                    || method.getDeclaringClass() == Object.class) {
                continue;
            }
            RpcName methodRename = method.getAnnotation(RpcName.class);
            String methodName = methodRename != null ? methodRename.value() : method.getName();
            checkName(methodName, method.toString());
            MethodDescriptor descriptor = describe(service + "/" + methodName, method, codec);
            if (byName.putIfAbsent(descriptor.fullName(), descriptor) != null) {
                throw new IllegalArgumentException("overloaded RPC method " + descriptor.fullName() + " in "
                        + serviceInterface.getName() + ": give each overload its own name with @RpcName");
            }
            byMethod.put(method, descriptor);
        }
        if (byName.isEmpty()) {
            throw new IllegalArgumentException(serviceInterface.getName() + " declares no RPC methods");
        }
        return new ServiceDescriptor(service, serviceInterface, Collections.unmodifiableMap(byName),
                Collections.unmodifiableMap(byMethod));
    }

    private static MethodDescriptor describe(String fullName, Method method, RpcCodec codec) {
        int sessionIndex = sessionIndex(method);
        Type[] params = withoutIndex(method.getGenericParameterTypes(), sessionIndex);
        Type returns = method.getGenericReturnType();
        if (params.length == 2 && isObserver(params[1]) && method.getReturnType() == void.class) {
            return descriptor(fullName, MethodType.SERVER_STREAMING, method, codec, params[0],
                    typeArgument(params[1], method), false, true, sessionIndex);
        }
        if (params.length == 1 && isObserver(params[0]) && isObserver(returns)) {
            return descriptor(fullName, MethodType.BIDI_STREAMING, method, codec, typeArgument(returns, method),
                    typeArgument(params[0], method), false, true, sessionIndex);
        }
        if (params.length == 1 && rawClass(params[0]) == Stream.class) {
            return descriptor(fullName, MethodType.CLIENT_STREAMING, method, codec, typeArgument(params[0], method),
                    responseType(returns), false, true, sessionIndex);
        }
        if (params.length <= 1 && !isObserver(returns) && (params.length == 0 || !isObserver(params[0]))) {
            boolean async = rawClass(returns) == CompletableFuture.class;
            Type response = async ? typeArgument(returns, method) : responseType(returns);
            return descriptor(fullName, MethodType.UNARY, method, codec, params.length == 0 ? Void.class : params[0],
                    response, async, params.length == 1, sessionIndex);
        }
        throw new IllegalArgumentException("unsupported RPC signature " + method + ": use R m(Q), "
                + "CompletableFuture<R> m(Q), void m(Q, StreamObserver<R>), R m(Stream<Q>) or "
                + "StreamObserver<Q> m(StreamObserver<R>), each with at most one RpcSession parameter anywhere");
    }

    @SuppressWarnings("unchecked")
    private static MethodDescriptor descriptor(String fullName, MethodType type, Method method, RpcCodec codec,
                                               Type request, Type response, boolean async, boolean hasRequest,
                                               int sessionIndex) {
        try {
            MessageCodec<Object> requestCodec = (MessageCodec<Object>) (MessageCodec<?>) codec.forType(request);
            MessageCodec<Object> responseCodec = (MessageCodec<Object>) (MessageCodec<?>) codec.forType(response);
            boolean blocking = method.isAnnotationPresent(Blocking.class)
                    || method.getDeclaringClass().isAnnotationPresent(Blocking.class);
            return new MethodDescriptor(fullName, type, method, requestCodec, responseCodec, async, hasRequest,
                    async && !blocking, sessionIndex);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot serialize the types of " + method + " with the "
                    + codec.name() + " codec: " + e.getMessage(), e);
        }
    }

    /** Where {@code method} takes its {@link RpcSession}, or -1; two of them are refused. */
    private static int sessionIndex(Method method) {
        Class<?>[] types = method.getParameterTypes();
        int index = -1;
        for (int i = 0; i < types.length; i++) {
            if (types[i] == RpcSession.class) {
                if (index >= 0) {
                    throw new IllegalArgumentException("unsupported RPC signature " + method
                            + ": at most one RpcSession parameter");
                }
                index = i;
            }
        }
        return index;
    }

    private static Type[] withoutIndex(Type[] params, int index) {
        if (index < 0) {
            return params;
        }
        Type[] rest = new Type[params.length - 1];
        System.arraycopy(params, 0, rest, 0, index);
        System.arraycopy(params, index + 1, rest, index, rest.length - index);
        return rest;
    }

    private static Type responseType(Type returns) {
        return returns == void.class ? Void.class : returns;
    }

    private static boolean isObserver(Type type) {
        return rawClass(type) == StreamObserver.class;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static Type typeArgument(Type type, Method method) {
        if (type instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[0];
        }
        throw new IllegalArgumentException("raw " + rawClass(type).getSimpleName() + " in " + method
                + ": declare its element type");
    }

    private static void checkName(String name, String where) {
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            throw new IllegalArgumentException("invalid RPC name '" + name + "' on " + where);
        }
    }

    public String name() {
        return name;
    }

    public Class<?> serviceInterface() {
        return serviceInterface;
    }

    public MethodDescriptor method(String fullName) {
        return byName.get(fullName);
    }

    public MethodDescriptor method(Method javaMethod) {
        return byMethod.get(javaMethod);
    }

    public List<MethodDescriptor> methods() {
        return List.copyOf(byName.values());
    }
}
