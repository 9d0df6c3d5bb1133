package io.rpcnet.client;

import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.transport.ClientCallListener;
import io.rpcnet.transport.InboundMessage;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * Collects the single response of a unary or client-streaming call. The event loop only stores the bytes
 * and signals; decoding happens on the waiting thread (sync) or the callback executor (async).
 */
final class UnaryResponse implements ClientCallListener {

    private final MethodDescriptor method;
    private final ClientCallInfo info;
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    private InboundMessage message;
    private boolean extra;
    private volatile Metadata trailers; // of the STATUS, set before closed completes
    volatile ScheduledFuture<?> deadlineTimer;
    volatile io.rpcnet.transport.ClientTransportCall call;

    UnaryResponse(MethodDescriptor method, ClientCallInfo info) {
        this.method = method;
        this.info = info;
    }

    @Override
    public void onMessage(InboundMessage received) {
        if (message != null) {
            received.release();
            extra = true;
            return;
        }
        message = received;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        ScheduledFuture<?> timer = deadlineTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        if (info != null) {
            info.fireClose(status, trailers);
        }
        this.trailers = trailers;
        closed.complete(status);
    }

    /** After {@link #closed} completed: the decoded value, or the failure as an exception. */
    Object result(Status status) {
        InboundMessage m = message;
        message = null;
        try {
            if (!status.isOk()) {
                throw new RpcException(status, trailers);
            }
            if (extra) {
                throw new RpcException(StatusCode.INTERNAL, method.fullName() + ": server sent more than one response");
            }
            if (m == null) {
                throw new RpcException(StatusCode.INTERNAL, method.fullName() + ": server sent OK without a response");
            }
            try {
                return method.responseCodec().read(m.stream(), m.size());
            } catch (IOException e) {
                throw new RpcException(StatusCode.INTERNAL, "cannot decode the response of " + method.fullName()
                        + ": " + e.getMessage());
            }
        } finally {
            if (m != null) {
                m.release();
            }
        }
    }
}
