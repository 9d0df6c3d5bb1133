package io.rpcnet.service;

import io.rpcnet.codec.MessageCodec;

import io.rpcnet.session.RpcSession;

import java.lang.reflect.Method;

/**
 * One RPC method, resolved once from its Java signature: wire name, shape, codecs for request and
 * response, whether the Java method returns a {@code CompletableFuture}, and where it takes its
 * {@link RpcSession} (not part of the wire message).
 *
 * @param fullName      {@code Service/method} as sent on the wire
 * @param type          call shape
 * @param method        the interface method
 * @param requestCodec  reads/writes request messages
 * @param responseCodec reads/writes response messages
 * @param async         unary method returning {@code CompletableFuture}
 * @param hasRequest    false for a unary method without parameters (besides a session one)
 * @param nonBlocking   async and not marked {@link Blocking}: the server may invoke it on the I/O thread
 * @param sessionIndex  index of the {@code RpcSession} parameter in {@code method}, or -1 when it has none
 */
public record MethodDescriptor(String fullName, MethodType type, Method method, MessageCodec<Object> requestCodec,
                               MessageCodec<Object> responseCodec, boolean async, boolean hasRequest,
                               boolean nonBlocking, int sessionIndex) {

    public String serviceName() {
        return fullName.substring(0, fullName.indexOf('/'));
    }

    public String methodName() {
        return fullName.substring(fullName.indexOf('/') + 1);
    }

    /** Whether the Java method declares an {@code RpcSession} parameter. */
    public boolean takesSession() {
        return sessionIndex >= 0;
    }

    /**
     * The arguments of a call of the Java method without its session one: the shape's own arguments (request,
     * observer, stream). {@code args} may be {@code null} for a method without parameters.
     */
    public Object[] callArguments(Object[] args) {
        if (args == null) {
            return new Object[0];
        }
        if (sessionIndex < 0) {
            return args;
        }
        Object[] rest = new Object[args.length - 1];
        System.arraycopy(args, 0, rest, 0, sessionIndex);
        System.arraycopy(args, sessionIndex + 1, rest, sessionIndex, rest.length - sessionIndex);
        return rest;
    }

    /** The arguments for the Java method: {@code callArguments} with {@code session} put at its index. */
    public Object[] javaArguments(Object[] callArguments, RpcSession session) {
        if (sessionIndex < 0) {
            return callArguments;
        }
        Object[] all = new Object[callArguments.length + 1];
        System.arraycopy(callArguments, 0, all, 0, sessionIndex);
        all[sessionIndex] = session;
        System.arraycopy(callArguments, sessionIndex, all, sessionIndex + 1, callArguments.length - sessionIndex);
        return all;
    }
}
