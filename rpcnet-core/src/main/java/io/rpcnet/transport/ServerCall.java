package io.rpcnet.transport;

import io.netty.buffer.ByteBuf;
import io.rpcnet.protocol.FrameCodec;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/** Server side of one call: whichever of handler, deadline or transport ends it first wins. */
final class ServerCall extends CallBase implements ServerTransportCall {

    private final ServerConnection connection;
    private final AtomicBoolean statusSent = new AtomicBoolean();
    ServerCallListener listener;

    ServerCall(ServerConnection connection, long callId, StreamContext stream, int maxMessageSize) {
        super(callId, stream, connection.queue(), maxMessageSize);
        this.connection = connection;
    }

    @Override
    public SocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public java.util.concurrent.ScheduledExecutorService eventLoop() {
        return stream.channel().eventLoop();
    }

    @Override
    public boolean isDedicated() {
        return stream.isDedicated();
    }

    @Override
    public void sendMessage(PayloadWriter payload) {
        if (statusSent.get()) {
            return;
        }
        enqueue(encodeMessage(payload, 0), false, false);
    }

    @Override
    public boolean sendStatus(Status status, Metadata trailers) {
        if (!statusSent.compareAndSet(false, true)) {
            return false;
        }
        ByteBuf buf = stream.channel().alloc().directBuffer(32 + status.message().length());
        FrameCodec.writeStatus(buf, callId, status, trailers);
        enqueue(buf, true, false);
        markFinished();
        return true;
    }

    @Override
    public boolean sendMessageAndStatus(PayloadWriter payload, Status status, Metadata trailers) {
        if (statusSent.get()) {
            return false;
        }
        ByteBuf buf = encodeMessage(payload, 0);
        if (!statusSent.compareAndSet(false, true)) {
            buf.release();
            return false;
        }
        FrameCodec.writeStatus(buf, callId, status, trailers);
        enqueue(buf, true, false);
        markFinished();
        return true;
    }

    boolean isStatusSent() {
        return statusSent.get();
    }

    /** Ends the call from the transport side (event loop): answers with {@code reason} and tells the handler. */
    void abort(Status reason, boolean answer) {
        if (answer) {
            sendStatus(reason, null);
        } else if (statusSent.compareAndSet(false, true)) {
            markFinished();
        }
        ServerCallListener l = listener;
        if (l != null) {
            l.onCancel(reason);
        }
    }

    @Override
    void onRemoved() {
        connection.removeCall(this);
    }
}
