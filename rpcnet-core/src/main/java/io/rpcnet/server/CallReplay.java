package io.rpcnet.server;

import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.service.MethodType;
import io.rpcnet.session.CallIds;
import io.rpcnet.session.RpcSession;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a unary session call that carries a {@linkplain CallIds call id} at most once: a repeat is answered
 * from the session's response cache (decoded with the method's codec, so it is re-sent exactly as the
 * first answer was), a first run's successful response is encoded and cached. Calls without an id, and
 * streaming calls, run as they are.
 */
final class CallReplay {

    private CallReplay() {
    }

    static Object proceed(ServerInvocation invocation, RpcSession session) throws Exception {
        CallContext context = invocation.context();
        MethodDescriptor method = context.method();
        OptionalLong callId = CallIds.of(context.metadata());
        if (callId.isEmpty() || method.type() != MethodType.UNARY) {
            return invocation.proceed();
        }
        long id = callId.getAsLong();
        Optional<byte[]> cached = session.cachedResponse(id);
        if (cached.isPresent()) {
            context.putTrailer(CallIds.REPLAYED_TRAILER, "true");
            Object value = decode(method, cached.get());
            return method.async() ? CompletableFuture.completedFuture(value) : value;
        }
        Object result = invocation.proceed();
        if (method.async() && result instanceof CompletableFuture<?> future) {
            return future.thenApply(value -> {
                session.cacheResponse(id, encode(method, value));
                return value;
            });
        }
        session.cacheResponse(id, encode(method, result));
        return result;
    }

    private static byte[] encode(MethodDescriptor method, Object value) {
        if (value == null) {
            return new byte[0]; // a void method, or no value
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            method.responseCodec().write(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Object decode(MethodDescriptor method, byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return null;
        }
        return method.responseCodec().read(new ByteArrayInputStream(bytes), bytes.length);
    }
}
