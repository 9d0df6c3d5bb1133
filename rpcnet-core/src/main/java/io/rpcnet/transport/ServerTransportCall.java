package io.rpcnet.transport;

import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/** The server's handle on one call: send messages and the final status, from any thread. */
public interface ServerTransportCall {

    long callId();

    SocketAddress remoteAddress();

    /** The I/O thread the call's {@link ServerCallListener} callbacks run on. */
    java.util.concurrent.ScheduledExecutorService eventLoop();

    /** Whether the call owns its QUIC stream (streaming calls) rather than sharing a lane. */
    boolean isDedicated();

    /** Sends one message; throws {@link io.rpcnet.protocol.RpcException} if it is over the size limit. */
    void sendMessage(PayloadWriter payload);

    /** Ends the call. Only the first status counts; later ones (and messages after it) are dropped. */
    boolean sendStatus(Status status, Metadata trailers);

    /** Sends one message and the status in a single write (the common unary reply). */
    default boolean sendMessageAndStatus(PayloadWriter payload, Status status) {
        return sendMessageAndStatus(payload, status, null);
    }

    /** Sends one message and the status with {@code trailers} (may be {@code null}) in a single write. */
    boolean sendMessageAndStatus(PayloadWriter payload, Status status, Metadata trailers);

    boolean isReady();

    boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException;

    void pauseInbound();

    void resumeInbound();
}
