package io.rpcnet.server;

import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Status;
import io.rpcnet.service.MessageStream;
import io.rpcnet.transport.InboundMessage;
import io.rpcnet.transport.ServerTransportCall;

import java.util.concurrent.Executor;
import java.util.stream.Stream;

/**
 * {@code R m(Stream<Q>)}: the handler starts at once and reads requests as they arrive through a bounded,
 * blocking stream; its return value is the single response.
 */
final class ClientStreamingCall extends HandlerCall implements Runnable {

    static final int INBOUND_CAPACITY = 32;

    private final MessageStream<Object> requests;

    ClientStreamingCall(RegisteredMethod method, ServerTransportCall call, CallHeader header, Executor executor) {
        super(method, call, header, executor);
        this.requests = new MessageStream<>(method.descriptor().requestCodec(), this, INBOUND_CAPACITY);
        dispatch(this);
    }

    @Override
    public void run() {
        try (Stream<Object> stream = requests.asStream()) {
            Object result = invoke(stream);
            reply(result);
        } catch (Throwable t) {
            fail(t);
        }
    }

    @Override
    public void onMessage(InboundMessage message) {
        requests.add(message);
    }

    @Override
    public void onHalfClose() {
        requests.end();
    }

    @Override
    public void onCancel(Status reason) {
        requests.fail(reason);
        super.onCancel(reason);
    }

    @Override
    void onFinished(Status status) {
        super.onFinished(status);
        if (!status.isOk()) {
            requests.fail(status);
        }
    }
}
