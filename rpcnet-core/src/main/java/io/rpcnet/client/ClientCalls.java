package io.rpcnet.client;

import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.Deadline;
import io.rpcnet.service.InboundFlow;
import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.service.ObserverDelivery;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.transport.ClientCallListener;
import io.rpcnet.transport.ClientTransportCall;
import io.rpcnet.transport.InboundMessage;
import io.rpcnet.transport.PayloadWriter;

import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/** The four call shapes on the client, over one {@link RpcClient}'s connection. */
final class ClientCalls {

    static final int INBOUND_CAPACITY = 32;

    private final RpcClient client;

    ClientCalls(RpcClient client) {
        this.client = client;
    }

    /** Unary, blocking: decodes on the calling thread. */
    Object blockingUnary(MethodDescriptor method, Object request, CallOptions options) {
        UnaryResponse response = startUnary(method, request, options);
        Status status;
        try {
            status = response.closed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.call.cancel(Status.of(StatusCode.CANCELLED, "caller interrupted"));
            throw new RpcException(StatusCode.CANCELLED, "interrupted while waiting for " + method.fullName());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return response.result(status);
    }

    /**
     * Unary, asynchronous: the future completes on the I/O thread (or the configured callback executor);
     * cancelling it cancels the call.
     */
    CompletableFuture<Object> asyncUnary(MethodDescriptor method, Object request, CallOptions options) {
        UnaryResponse response;
        try {
            response = startUnary(method, request, options);
        } catch (RpcException e) {
            return CompletableFuture.failedFuture(e);
        }
        CallFuture future = new CallFuture(response);
        BiConsumer<Status, Throwable> completion = (status, ignored) -> {
            try {
                future.complete(response.result(status));
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        };
        Executor executor = client.unaryCallbackExecutor();
        if (executor == null) {
            response.closed.whenComplete(completion);
        } else {
            response.closed.whenCompleteAsync(completion, executor);
        }
        return future;
    }

    private UnaryResponse startUnary(MethodDescriptor method, Object request, CallOptions options) {
        Deadline deadline = deadline(options);
        ClientCallInfo info = intercept(method, options);
        UnaryResponse response = new UnaryResponse(method, info);
        CallHeader header = header(method, options, deadline, info);
        ClientTransportCall call = client.connection(deadline).startCall(header, false,
                payload(method, method.hasRequest() ? request : null), true, response);
        response.call = call;
        if (deadline != null) {
            response.deadlineTimer = deadline.schedule(() -> call.cancel(deadlineExceeded(method, options)));
        }
        return response;
    }

    /** {@code R m(Stream<Q>)}: sends the stream's elements with backpressure, then waits for the response. */
    Object clientStreaming(MethodDescriptor method, Stream<?> requests, CallOptions options) {
        Deadline deadline = deadline(options);
        ClientCallInfo info = intercept(method, options);
        UnaryResponse response = new UnaryResponse(method, info);
        ClientTransportCall call = client.connection(deadline).startCall(header(method, options, deadline, info), true, null,
                false, response);
        response.call = call;
        if (deadline != null) {
            response.deadlineTimer = deadline.schedule(() -> call.cancel(deadlineExceeded(method, options)));
        }
        try (requests) {
            Iterator<?> it = requests.iterator();
            while (it.hasNext() && !response.closed.isDone()) {
                Object value = it.next();
                awaitReady(call, response.closed);
                call.sendMessage(payload(method, value), false);
            }
            call.halfClose();
        } catch (RuntimeException e) {
            call.cancel(Status.of(StatusCode.CANCELLED, "request stream failed: " + e));
            throw e;
        }
        try {
            return response.result(response.closed.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(Status.of(StatusCode.CANCELLED, "caller interrupted"));
            throw new RpcException(StatusCode.CANCELLED, "interrupted while waiting for " + method.fullName());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code void m(Q, StreamObserver<R>)}: returns at once; responses reach the observer in order. */
    void serverStreaming(MethodDescriptor method, Object request, StreamObserver<Object> observer, CallOptions options) {
        StreamingCall streaming = startStreaming(method, options, observer, payload(method, request), true);
        if (streaming == null) {
            return;
        }
        streaming.delivery.attach(observer);
    }

    /** {@code StreamObserver<Q> m(StreamObserver<R>)}: returns the observer that sends requests. */
    StreamObserver<Object> bidiStreaming(MethodDescriptor method, StreamObserver<Object> observer, CallOptions options) {
        StreamingCall streaming = startStreaming(method, options, observer, null, false);
        if (streaming == null) {
            return new StreamObserver<>() {
                public void onNext(Object value) { }
                public void onError(Throwable error) { }
                public void onCompleted() { }
            };
        }
        streaming.delivery.attach(observer);
        ClientTransportCall call = streaming.call;
        return new StreamObserver<>() {
            @Override
            public void onNext(Object value) {
                awaitReady(call, streaming.closed);
                call.sendMessage(payload(method, value), false);
            }

            @Override
            public void onError(Throwable error) {
                call.cancel(Status.of(StatusCode.CANCELLED, "cancelled by the client: " + error));
            }

            @Override
            public void onCompleted() {
                call.halfClose();
            }
        };
    }

    private StreamingCall startStreaming(MethodDescriptor method, CallOptions options, StreamObserver<Object> observer,
                                         PayloadWriter first, boolean endAfterFirst) {
        Deadline deadline = deadline(options);
        StreamingCall streaming = new StreamingCall(method);
        try {
            ClientCallInfo info = intercept(method, options);
            streaming.info = info;
            streaming.call = client.connection(deadline).startCall(header(method, options, deadline, info), true, first,
                    endAfterFirst, streaming);
        } catch (RpcException e) {
            observer.onError(e);
            return null;
        }
        if (deadline != null) {
            ClientTransportCall call = streaming.call;
            streaming.deadlineTimer = deadline.schedule(() -> call.cancel(deadlineExceeded(method, options)));
        }
        if (observer instanceof ClientResponseObserver<Object> cro) {
            ClientTransportCall call = streaming.call;
            cro.beforeStart(reason -> call.cancel(Status.of(StatusCode.CANCELLED, reason)));
        }
        return streaming;
    }

    private static void awaitReady(ClientTransportCall call, CompletableFuture<Status> closed) {
        try {
            while (!call.isReady() && !closed.isDone()) {
                call.awaitReady(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(Status.of(StatusCode.CANCELLED, "caller interrupted"));
            throw new RpcException(StatusCode.CANCELLED, "interrupted while waiting to send");
        }
        if (closed.isDone()) {
            Status status = closed.getNow(null);
            throw new RpcException(status != null && !status.isOk() ? status
                    : Status.of(StatusCode.FAILED_PRECONDITION, "the call has already ended"));
        }
    }

    private ClientCallInfo intercept(MethodDescriptor method, CallOptions options) {
        if (client.interceptors().isEmpty()) {
            return null;
        }
        ClientCallInfo info = new ClientCallInfo(method, options, Metadata.of(options.metadata()));
        for (ClientInterceptor interceptor : client.interceptors()) {
            interceptor.interceptCall(info);
        }
        return info;
    }

    private static CallHeader header(MethodDescriptor method, CallOptions options, Deadline deadline,
                                     ClientCallInfo info) {
        Metadata metadata = info != null ? info.metadata()
                : options.metadata().isEmpty() ? Metadata.empty() : Metadata.of(options.metadata());
        return new CallHeader(method.fullName(), deadline == null ? 0 : deadline.remainingMicrosForWire(),
                options.sessionId(), metadata);
    }

    private Deadline deadline(CallOptions options) {
        return options.timeout() == null ? null : Deadline.after(options.timeout());
    }

    private static Status deadlineExceeded(MethodDescriptor method, CallOptions options) {
        return Status.of(StatusCode.DEADLINE_EXCEEDED, method.fullName() + ": deadline of "
                + options.timeout().toMillis() + " ms exceeded");
    }

    private static PayloadWriter payload(MethodDescriptor method, Object value) {
        return out -> {
            try {
                method.requestCodec().write(value, out);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        };
    }

    /** A future whose {@code cancel} cancels the call on the server too. */
    private static final class CallFuture extends CompletableFuture<Object> {
        private final UnaryResponse response;

        CallFuture(UnaryResponse response) {
            this.response = response;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled && response.call != null) {
                response.call.cancel(Status.of(StatusCode.CANCELLED, "cancelled by the client"));
            }
            return cancelled;
        }
    }

    /** Listener of a streaming call: feeds responses to the observer's delivery, closes it with the status. */
    private final class StreamingCall implements ClientCallListener, InboundFlow {
        final ObserverDelivery<Object> delivery;
        final CompletableFuture<Status> closed = new CompletableFuture<>();
        ClientTransportCall call;
        ClientCallInfo info;
        volatile java.util.concurrent.ScheduledFuture<?> deadlineTimer;

        StreamingCall(MethodDescriptor method) {
            this.delivery = new ObserverDelivery<>(client.callbackExecutor(), method.responseCodec(), this,
                    INBOUND_CAPACITY, status -> call.cancel(status));
        }

        @Override
        public void onMessage(InboundMessage message) {
            delivery.add(message);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            if (deadlineTimer != null) {
                deadlineTimer.cancel(false);
            }
            if (info != null) {
                info.fireClose(status, trailers);
            }
            closed.complete(status);
            if (status.isOk()) {
                delivery.complete();
            } else {
                delivery.fail(status, trailers); // the observer's RpcException carries the trailers
            }
        }

        @Override
        public void pause() {
            call.pauseInbound();
        }

        @Override
        public void resume() {
            call.resumeInbound();
        }
    }
}
