package io.rpcnet.cluster.client;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.ClientCallHandle;
import io.rpcnet.client.ClientResponseObserver;
import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.service.StreamObserver;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A streaming call through a {@link ClusterClient}: one selected worker, no retry (messages already sent or
 * delivered cannot be replayed safely). The worker's load lease, breaker permission and the bulkhead permit
 * are held until the stream ends (the response observer completes or fails, or the client-streaming call
 * returns).
 */
final class StreamingCall {

    private StreamingCall() {
    }

    @SuppressWarnings("unchecked")
    static Object run(Attempt attempt, MethodDescriptor method, Object[] args, CallOptions options, Runnable onEnd) {
        AtomicBoolean ended = new AtomicBoolean();
        Outcome outcome = error -> {
            if (ended.compareAndSet(false, true)) {
                try {
                    if (error == null) {
                        attempt.succeeded();
                    } else {
                        attempt.failed(error);
                    }
                } finally {
                    onEnd.run();
                }
            }
        };
        try {
            switch (method.type()) {
                case SERVER_STREAMING -> {
                    StreamObserver<Object> responses = (StreamObserver<Object>) args[1];
                    attempt.invoke(method, new Object[]{args[0], wrap(responses, outcome)}, options);
                    return null;
                }
                case BIDI_STREAMING -> {
                    StreamObserver<Object> responses = (StreamObserver<Object>) args[0];
                    return attempt.invoke(method, new Object[]{wrap(responses, outcome)}, options);
                }
                case CLIENT_STREAMING -> {
                    Object result = attempt.invoke(method, args, options);
                    outcome.ended(null);
                    return result;
                }
                default -> throw new IllegalArgumentException(method.fullName() + " is not a streaming method");
            }
        } catch (Throwable t) {
            RuntimeException failure = Attempt.asRuntime(t);
            outcome.ended(failure);
            throw failure;
        }
    }

    @FunctionalInterface
    private interface Outcome {
        void ended(Throwable error);
    }

    private static StreamObserver<Object> wrap(StreamObserver<Object> delegate, Outcome outcome) {
        return new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallHandle call) {
                if (delegate instanceof ClientResponseObserver<Object> cro) {
                    cro.beforeStart(call);
                }
            }

            @Override
            public void onNext(Object value) {
                delegate.onNext(value);
            }

            @Override
            public void onError(Throwable error) {
                outcome.ended(error);
                delegate.onError(error);
            }

            @Override
            public void onCompleted() {
                outcome.ended(null);
                delegate.onCompleted();
            }
        };
    }
}
