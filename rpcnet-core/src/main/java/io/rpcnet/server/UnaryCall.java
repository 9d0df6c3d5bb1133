package io.rpcnet.server;

import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.transport.InboundMessage;
import io.rpcnet.transport.ServerTransportCall;

import java.io.IOException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A unary call, and the request half of a server-streaming one: collects the single request, then runs
 * the handler on the executor once the client half-closes.
 */
class UnaryCall extends HandlerCall implements Runnable {

    private final AtomicReference<InboundMessage> request = new AtomicReference<>();
    private volatile boolean cancelled;
    private boolean extraMessage;

    UnaryCall(RegisteredMethod method, ServerTransportCall call, CallHeader header, Executor executor) {
        super(method, call, header, executor);
    }

    @Override
    public void onMessage(InboundMessage message) {
        if (extraMessage || !request.compareAndSet(null, message)) {
            message.release();
            extraMessage = true;
        }
    }

    @Override
    public void onHalfClose() {
        if (extraMessage) {
            releaseRequest();
            finish(Status.of(StatusCode.INVALID_ARGUMENT, method.descriptor().fullName()
                    + " takes one request message, got more"));
            return;
        }
        if (cancelled) {
            return;
        }
        if (method.descriptor().nonBlocking()) {
            run(); // returns a future at once: no thread hop (see io.rpcnet.service.Blocking)
        } else {
            dispatch(this);
        }
    }

    @Override
    public void onCancel(Status reason) {
        cancelled = true;
        releaseRequest();
        super.onCancel(reason);
    }

    @Override
    public void run() {
        if (cancelled || context.isCancelled()) {
            releaseRequest();
            return;
        }
        Object argument;
        try {
            argument = decodeRequest();
        } catch (IOException e) {
            finish(Status.of(StatusCode.INVALID_ARGUMENT, "cannot decode the request for "
                    + method.descriptor().fullName() + ": " + e.getMessage()));
            return;
        } catch (MissingRequest e) {
            finish(Status.of(StatusCode.INVALID_ARGUMENT, method.descriptor().fullName()
                    + " call ended without a request message"));
            return;
        }
        try {
            handle(argument);
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** Invokes the handler with the decoded request; unary replies with its result. */
    void handle(Object argument) throws Exception {
        Object result = method.descriptor().hasRequest() ? invoke(argument) : invoke();
        if (method.descriptor().async()) {
            if (result == null) {
                finish(Status.of(StatusCode.INTERNAL, method.descriptor().fullName() + " returned a null future"));
                return;
            }
            ((CompletionStage<?>) result).whenComplete((value, error) -> {
                if (error != null) {
                    fail(error);
                } else {
                    reply(value);
                }
            });
        } else {
            reply(result);
        }
    }

    private Object decodeRequest() throws IOException {
        InboundMessage message = request.getAndSet(null);
        if (!method.descriptor().hasRequest()) {
            if (message != null) {
                message.release();
            }
            return null;
        }
        if (message == null) {
            throw new MissingRequest();
        }
        try {
            return method.descriptor().requestCodec().read(message.stream(), message.size());
        } finally {
            message.release();
        }
    }

    private void releaseRequest() {
        InboundMessage message = request.getAndSet(null);
        if (message != null) {
            message.release();
        }
    }

    private static final class MissingRequest extends RuntimeException {
        MissingRequest() {
            super(null, null, false, false);
        }
    }
}
