package io.rpcnet.server;

import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.Deadline;
import io.rpcnet.service.InboundFlow;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.transport.ServerCallListener;
import io.rpcnet.transport.ServerTransportCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Server side of one call above the transport: runs the handler on the handler executor (never on the
 * event loop), enforces the deadline, and turns results and exceptions into exactly one status.
 */
abstract class HandlerCall implements ServerCallListener, InboundFlow {

    private static final Logger log = LoggerFactory.getLogger(HandlerCall.class);

    final RegisteredMethod method;
    final ServerTransportCall call;
    final CallContext context;
    final Executor executor;
    private ScheduledFuture<?> deadlineTimer;
    private volatile boolean done;

    HandlerCall(RegisteredMethod method, ServerTransportCall call, CallHeader header, Executor executor) {
        this.method = method;
        this.call = call;
        this.executor = executor;
        Deadline deadline = header.timeoutMicros() > 0 ? Deadline.afterMicros(header.timeoutMicros()) : null;
        this.context = new CallContext(method.descriptor(), header, deadline, call.remoteAddress());
        if (deadline != null) {
            deadlineTimer = deadline.schedule(() -> finish(Status.of(StatusCode.DEADLINE_EXCEEDED,
                    "deadline of " + TimeUnit.MICROSECONDS.toMillis(header.timeoutMicros())
                            + " ms exceeded on the server")));
        }
    }

    /** Runs {@code task} on the handler executor, or refuses the call if the executor is saturated. */
    final void dispatch(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            finish(Status.of(StatusCode.RESOURCE_EXHAUSTED, "server is overloaded: no handler thread available"));
        }
    }

    /**
     * Invokes the handler with the context attached and the interceptors applied; {@code args} are the
     * shape's own arguments (a session parameter is filled in when the handler is reached).
     */
    final Object invoke(Object... args) throws Exception {
        CallContext previous = context.attach();
        try {
            return method.invoke(context, method.descriptor().javaArguments(args, null));
        } finally {
            CallContext.restore(previous);
        }
    }

    /** Ends the call with {@code status} (first one wins) and cancels the handler's context if not OK. */
    final void finish(Status status) {
        if (call.sendStatus(status, context.trailers())) {
            onFinished(status);
        }
    }

    /** Ends the call with a failure thrown by the handler or its future. */
    final void fail(Throwable error) {
        Status status = Status.fromThrowable(error);
        if (status.code() == StatusCode.INTERNAL) {
            log.warn("{} failed for {}: {}", method.descriptor().fullName(), call.remoteAddress(), status.message(),
                    unwrap(error));
        }
        finish(status);
    }

    /** Sends the one response message and OK, or the encoding failure. */
    final void reply(Object value) {
        try {
            if (call.sendMessageAndStatus(out -> method.descriptor().responseCodec().write(value, out), Status.OK,
                    context.trailers())) {
                onFinished(Status.OK);
            }
        } catch (RpcException e) {
            finish(e.status());
        } catch (UncheckedIOException e) {
            finish(Status.of(StatusCode.INTERNAL, "cannot encode the response: " + e.getCause().getMessage()));
        }
    }

    void onFinished(Status status) {
        if (!status.isOk()) {
            context.cancel(status); // before done: a handler still sending then sees why (the status), not just "ended"
        }
        done = true;
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        context.close(status);
    }

    @Override
    public void onCancel(Status reason) {
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        context.cancel(reason);
        context.close(reason);
    }

    @Override
    public void pause() {
        call.pauseInbound();
    }

    @Override
    public void resume() {
        call.resumeInbound();
    }

    /** The observer through which a streaming handler sends responses, with backpressure. */
    final StreamObserver<Object> responseObserver() {
        return new StreamObserver<>() {
            @Override
            public void onNext(Object value) {
                awaitReady();
                try {
                    call.sendMessage(out -> method.descriptor().responseCodec().write(value, out));
                } catch (UncheckedIOException e) {
                    throw new RpcException(StatusCode.INTERNAL, "cannot encode a response: " + e.getCause().getMessage());
                }
            }

            @Override
            public void onError(Throwable error) {
                fail(error);
            }

            @Override
            public void onCompleted() {
                finish(Status.OK);
            }
        };
    }

    private void awaitReady() {
        try {
            while (!call.isReady()) {
                if (context.isCancelled()) {
                    throw context.cancelReason().asException();
                }
                if (done) {
                    throw context.isCancelled() ? context.cancelReason().asException()
                            : new IllegalStateException("the call has already ended");
                }
                if (call.awaitReady(100, TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(StatusCode.CANCELLED, "interrupted while waiting to send");
        }
        if (context.isCancelled()) {
            throw context.cancelReason().asException();
        }
        if (done) {
            throw context.isCancelled() ? context.cancelReason().asException()
                    : new IllegalStateException("the call has already ended");
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t.getCause() != null && (t instanceof java.lang.reflect.InvocationTargetException
                || t instanceof java.util.concurrent.CompletionException)) {
            t = t.getCause();
        }
        return t;
    }
}
