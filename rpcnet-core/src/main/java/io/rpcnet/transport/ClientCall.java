package io.rpcnet.transport;

import io.netty.buffer.ByteBuf;
import io.rpcnet.protocol.Frame;
import io.rpcnet.protocol.FrameCodec;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;

import java.util.concurrent.atomic.AtomicBoolean;

/** Client side of one call; closes exactly once, by STATUS, cancel or connection loss. */
final class ClientCall extends CallBase implements ClientTransportCall {

    private final ClientConnection connection;
    private final ClientLane lane;
    private final ClientCallListener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean halfClosed;

    ClientCall(ClientConnection connection, long callId, StreamContext stream, ClientLane lane,
               ClientCallListener listener, int maxMessageSize) {
        super(callId, stream, connection.queue(), maxMessageSize);
        this.connection = connection;
        this.lane = lane;
        this.listener = listener;
    }

    ClientCallListener listener() {
        return listener;
    }

    @Override
    public void sendMessage(PayloadWriter payload, boolean end) {
        if (closed.get() || halfClosed) {
            return;
        }
        halfClosed = end;
        enqueue(encodeMessage(payload, endFlag(end)), false, end && stream.isDedicated());
    }

    @Override
    public void halfClose() {
        if (closed.get() || halfClosed) {
            return;
        }
        halfClosed = true;
        ByteBuf buf = stream.channel().alloc().directBuffer(16);
        FrameCodec.writeEnd(buf, callId);
        enqueue(buf, false, stream.isDedicated());
    }

    @Override
    public void cancel(Status reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (stream.isDedicated() && halfClosed) {
            // our side of the stream is finished (FIN sent): the CANCEL goes on the control stream, and we keep
            // reading so the server's final STATUS and FIN close the stream cleanly
            connection.sendOnControl(buf -> FrameCodec.writeCancel(buf, callId, reason));
            resumeInbound();
        } else {
            ByteBuf buf = stream.channel().alloc().directBuffer(32);
            FrameCodec.writeCancel(buf, callId, reason);
            enqueue(buf, false, stream.isDedicated());
        }
        connection.forget(this);
        markFinished();
        listener.onClose(reason, Metadata.empty());
    }

    /** Ends the call from the transport side (status frame, stream or connection loss). */
    void close(Status status, Metadata trailers) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        connection.forget(this);
        markFinished();
        if (stream.isDedicated() && !halfClosed) {
            // the server ended the call before we finished sending: abandon our side without an empty FIN
            stream.reset(StreamContext.RESET_NO_ERROR);
        }
        listener.onClose(status, trailers);
    }

    void markHalfClosed() {
        halfClosed = true;
    }

    boolean isClosed() {
        return closed.get();
    }

    ClientLane lane() {
        return lane;
    }

    @Override
    void onRemoved() {
    }

    static int callFlags(boolean dedicated, boolean end) {
        return (dedicated ? Frame.FLAG_DEDICATED : 0) | (end ? Frame.FLAG_END : 0);
    }
}
