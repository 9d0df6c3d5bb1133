package io.rpcnet.transport;

import io.rpcnet.protocol.Status;

import java.util.concurrent.TimeUnit;

/** The client's handle on one call: send messages, half-close or cancel, from any thread. */
public interface ClientTransportCall {

    long callId();

    /** Sends one message; {@code end} half-closes with it. */
    void sendMessage(PayloadWriter payload, boolean end);

    /** No more messages from the client. */
    void halfClose();

    /**
     * Abandons the call: the server is told (CANCEL frame) and the listener gets {@code reason} now. No-op
     * once the call has ended.
     */
    void cancel(Status reason);

    boolean isReady();

    boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException;

    void pauseInbound();

    void resumeInbound();
}
