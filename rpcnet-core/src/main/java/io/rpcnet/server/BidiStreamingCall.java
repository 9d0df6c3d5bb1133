package io.rpcnet.server;

import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.ObserverDelivery;
import io.rpcnet.service.StreamObserver;
import io.rpcnet.transport.InboundMessage;
import io.rpcnet.transport.ServerTransportCall;

import java.util.concurrent.Executor;

/**
 * {@code StreamObserver<Q> m(StreamObserver<R>)}: the handler gets the response observer and returns the
 * observer that receives requests, delivered in order on the handler executor with backpressure.
 */
final class BidiStreamingCall extends HandlerCall implements Runnable {

    static final int INBOUND_CAPACITY = 32;

    private final ObserverDelivery<Object> delivery;

    BidiStreamingCall(RegisteredMethod method, ServerTransportCall call, CallHeader header, Executor executor) {
        super(method, call, header, executor);
        this.delivery = new ObserverDelivery<>(executor, method.descriptor().requestCodec(), this, INBOUND_CAPACITY,
                this::finish);
        dispatch(this);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        try {
            Object requestObserver = invoke(responseObserver());
            if (requestObserver == null) {
                finish(Status.of(StatusCode.INTERNAL, method.descriptor().fullName() + " returned no request observer"));
                return;
            }
            delivery.attach((StreamObserver<Object>) requestObserver);
        } catch (Throwable t) {
            fail(t);
        }
    }

    @Override
    public void onMessage(InboundMessage message) {
        delivery.add(message);
    }

    @Override
    public void onHalfClose() {
        delivery.complete();
    }

    @Override
    public void onCancel(Status reason) {
        delivery.fail(reason);
        super.onCancel(reason);
    }

    @Override
    void onFinished(Status status) {
        super.onFinished(status);
        delivery.discard();
    }
}
