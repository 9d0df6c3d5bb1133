package io.rpcnet.service;

import io.rpcnet.codec.MessageCodec;

import java.lang.reflect.Method;

/**
 * One RPC method, resolved once from its Java signature: wire name, shape, codecs for request and
 * response, and whether the Java method returns a {@code CompletableFuture}.
 *
 * @param fullName      {@code Service/method} as sent on the wire
 * @param type          call shape
 * @param method        the interface method
 * @param requestCodec  reads/writes request messages
 * @param responseCodec reads/writes response messages
 * @param async         unary method returning {@code CompletableFuture}
 * @param hasRequest    false for a unary method without parameters
 * @param nonBlocking   async and not marked {@link Blocking}: the server may invoke it on the I/O thread
 */
public record MethodDescriptor(String fullName, MethodType type, Method method, MessageCodec<Object> requestCodec,
                               MessageCodec<Object> responseCodec, boolean async, boolean hasRequest,
                               boolean nonBlocking) {

    public String serviceName() {
        return fullName.substring(0, fullName.indexOf('/'));
    }

    public String methodName() {
        return fullName.substring(fullName.indexOf('/') + 1);
    }
}
