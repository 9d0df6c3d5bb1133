package io.rpcnet.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.util.collection.LongObjectHashMap;
import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Frame;
import io.rpcnet.protocol.FrameCodec;
import io.rpcnet.protocol.FrameDecoder;
import io.rpcnet.protocol.FrameType;
import io.rpcnet.protocol.GoAway;
import io.rpcnet.protocol.Hello;
import io.rpcnet.protocol.ProtocolException;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One client connection on the server: routes frames to calls, enforces the per-connection limits, answers
 * the control stream and drains on GOAWAY. Confined to the connection's event loop except {@link #queue()}.
 */
final class ServerConnection {

    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);

    private final QuicServerEndpoint endpoint;
    private final QuicChannel channel;
    private final OutboundQueue queue;
    private final LongObjectHashMap<ServerCall> calls = new LongObjectHashMap<>();
    private final int maxMessageSize;
    private final int maxConcurrentCalls;
    private StreamContext control;
    private long highestCallId;
    private GoAway goAway;
    private Hello peerHello;
    private final ScheduledFuture<?> keepAlive;

    ServerConnection(QuicServerEndpoint endpoint, QuicChannel channel, TransportSettings settings) {
        this.endpoint = endpoint;
        this.channel = channel;
        this.queue = new OutboundQueue(channel.eventLoop());
        this.maxMessageSize = settings.maxMessageSize();
        this.maxConcurrentCalls = settings.maxConcurrentCalls();
        long keepAlive = settings.keepAliveInterval().toMillis();
        this.keepAlive = keepAlive <= 0 ? null
                : channel.eventLoop().scheduleWithFixedDelay(this::ping, keepAlive, keepAlive, TimeUnit.MILLISECONDS);
    }

    /** Server keep-alive: a PING on the control stream keeps NAT bindings and the idle timer fresh. */
    private void ping() {
        StreamContext c = control;
        if (c != null && c.channel().isActive()) {
            ByteBuf ping = c.channel().alloc().directBuffer(16);
            FrameCodec.writePing(ping, FrameType.PING, System.nanoTime());
            queue.enqueue(new OutboundQueue.Item(c, ping, null, false, false));
        }
    }

    OutboundQueue queue() {
        return queue;
    }

    SocketAddress remoteAddress() {
        return channel.remoteSocketAddress();
    }

    QuicChannel channel() {
        return channel;
    }

    int activeCalls() {
        return calls.size();
    }

    Hello peerHello() {
        return peerHello;
    }

    /** Largest message this server sends: its own limit, or the client's if that is smaller. */
    private int outboundLimit() {
        Hello hello = peerHello;
        return hello == null || hello.maxMessageSize() <= 0 ? maxMessageSize
                : (int) Math.min(maxMessageSize, hello.maxMessageSize());
    }

    void onStreamOpened(StreamContext stream) {
        endpoint.streamOpened();
    }

    void onFrame(StreamContext stream, Frame frame) {
        try {
            switch (frame.type()) {
                case CALL -> onCall(stream, frame);
                case MESSAGE -> onMessage(stream, frame);
                case END -> withCall(stream, frame, call -> call.listener.onHalfClose());
                case CANCEL -> onCancel(stream, frame);
                case HELLO -> onHello(stream, frame);
                case PING -> {
                    ByteBuf pong = stream.channel().alloc().directBuffer(16);
                    FrameCodec.writePing(pong, FrameType.PONG, frame.payload().readableBytes() >= 8
                            ? frame.payload().getLong(frame.payload().readerIndex()) : 0);
                    queue.enqueue(new OutboundQueue.Item(stream, pong, null, false, false));
                }
                case PONG, GOAWAY -> { }
                case STATUS -> onMalformed(stream, "STATUS frames are sent by servers only");
            }
        } catch (ProtocolException e) {
            onMalformed(stream, e.getMessage());
        } finally {
            frame.release();
        }
    }

    private void onHello(StreamContext stream, Frame frame) {
        if (control != null && control != stream) {
            throw new ProtocolException(StatusCode.INVALID_ARGUMENT, "a second HELLO on another stream");
        }
        peerHello = FrameCodec.readHello(frame.payload());
        control = stream;
        ByteBuf out = stream.channel().alloc().directBuffer(64);
        FrameCodec.writeHello(out, endpoint.hello());
        if (goAway != null) {
            FrameCodec.writeGoAway(out, goAway);
        }
        queue.enqueue(new OutboundQueue.Item(stream, out, null, false, false));
        log.debug("HELLO from {}: {}", remoteAddress(), peerHello);
    }

    private void onCall(StreamContext stream, Frame frame) {
        long id = frame.callId();
        boolean dedicated = frame.hasFlag(Frame.FLAG_DEDICATED);
        if (stream == control) {
            throw new ProtocolException(StatusCode.INVALID_ARGUMENT, "CALL frame on the control stream");
        }
        if (dedicated) {
            if (stream.activeCalls() > 0) {
                throw new ProtocolException(StatusCode.INVALID_ARGUMENT,
                        "a dedicated call must be the only call on its stream");
            }
            stream.markDedicated();
            stream.finishOutputWhenIdle();
        } else if (stream.isDedicated()) {
            throw new ProtocolException(StatusCode.INVALID_ARGUMENT, "stream is dedicated to another call");
        }
        if (calls.containsKey(id)) {
            throw new ProtocolException(StatusCode.INVALID_ARGUMENT, "call id " + id + " is already in use");
        }
        ServerCall call = new ServerCall(this, id, stream, outboundLimit());
        stream.addCall(call);
        calls.put(id, call);
        endpoint.callStarted();
        highestCallId = Math.max(highestCallId, id);
        if (goAway != null && id > goAway.lastCallId()) {
            call.sendStatus(Status.notProcessed(StatusCode.UNAVAILABLE,
                    "server is shutting down (GOAWAY); the call was not processed"), null);
            return;
        }
        if (calls.size() > maxConcurrentCalls) {
            call.sendStatus(Status.notProcessed(StatusCode.RESOURCE_EXHAUSTED, "too many concurrent calls on this connection"
                    + " (limit " + maxConcurrentCalls + "); the call was not processed"), null);
            return;
        }
        CallHeader header;
        try {
            header = FrameCodec.readCall(frame.payload());
        } catch (ProtocolException e) {
            call.sendStatus(e.toStatus(), null);
            return;
        }
        try {
            call.listener = endpoint.acceptor().accept(call, header);
        } catch (RpcException e) {
            call.sendStatus(e.status(), null);
            return;
        } catch (RuntimeException e) {
            log.warn("call acceptor failed for {} from {}", header.method(), remoteAddress(), e);
            call.sendStatus(Status.of(StatusCode.INTERNAL, "server failed to accept the call"), null);
            return;
        }
        if (frame.hasFlag(Frame.FLAG_END)) {
            call.listener.onHalfClose();
        }
    }

    private void onMessage(StreamContext stream, Frame frame) {
        withCall(stream, frame, call -> {
            call.listener.onMessage(new ByteBufInboundMessage(frame.payload().retain()));
            if (frame.hasFlag(Frame.FLAG_END)) {
                call.listener.onHalfClose();
            }
        });
    }

    private void onCancel(StreamContext stream, Frame frame) {
        Status reason = FrameCodec.readCancel(frame.payload());
        withCall(stream, frame, call -> call.abort(reason.code() == StatusCode.DEADLINE_EXCEEDED ? reason
                : Status.of(StatusCode.CANCELLED, reason.message().isEmpty() ? "cancelled by client"
                : reason.message()), true));
        if (stream.isDedicated()) {
            stream.markInputClosed();
        }
    }


    /** Frames for calls that already ended are normal (races with cancel and deadlines) and are dropped. */
    private void withCall(StreamContext stream, Frame frame, java.util.function.Consumer<ServerCall> action) {
        ServerCall call = calls.get(frame.callId());
        if (call == null || call.isStatusSent() || call.listener == null) {
            return;
        }
        if (call.stream != stream && !(stream == control && frame.type() == FrameType.CANCEL)) {
            throw new ProtocolException(StatusCode.INVALID_ARGUMENT,
                    "frame for call " + frame.callId() + " arrived on a different stream than its CALL");
        }
        action.accept(call);
    }

    void onOversized(StreamContext stream, FrameDecoder.Oversized oversized) {
        Status status = Status.of(StatusCode.RESOURCE_EXHAUSTED, "message of " + oversized.length()
                + " bytes exceeds the limit of " + oversized.limit() + " bytes");
        ServerCall call = calls.get(oversized.callId());
        if (call != null && call.stream == stream) {
            call.abort(status, true);
        } else {
            ServerCall orphan = new ServerCall(this, oversized.callId(), stream, outboundLimit());
            stream.addCall(orphan);
            orphan.sendStatus(status, null);
        }
    }

    /** The stream carries garbage: every call on it fails with INVALID_ARGUMENT and the stream ends. */
    void onMalformed(StreamContext stream, String reason) {
        Status status = Status.of(StatusCode.INVALID_ARGUMENT, "malformed frame: " + reason);
        log.debug("malformed stream {} from {}: {}", stream.channel().streamId(), remoteAddress(), reason);
        for (CallBase call : new ArrayList<>(stream.calls())) {
            ((ServerCall) call).abort(status, true);
        }
        ByteBuf out = stream.channel().alloc().directBuffer(64);
        FrameCodec.writeStatus(out, 0, status, null);
        queue.enqueue(new OutboundQueue.Item(stream, out, null, false, true));
        if (stream == control) {
            control = null;
        }
        if (!stream.isInputClosed()) {
            stream.markInputClosed();
            stream.channel().shutdownInput();
        }
    }

    void onInputClosed(StreamContext stream) {
        stream.markInputClosed();
        stream.finishOutputWhenIdle();
        if (stream.activeCalls() == 0 && !stream.isOutputClosed()) {
            queue.enqueue(new OutboundQueue.Item(stream, Unpooled.EMPTY_BUFFER, null, false, false));
        }
    }

    void onStreamClosed(StreamContext stream) {
        endpoint.streamClosed();
        List<CallBase> orphaned = new ArrayList<>(stream.calls());
        for (CallBase call : orphaned) {
            ((ServerCall) call).abort(Status.of(StatusCode.CANCELLED, "stream closed by the client"), false);
            stream.onCallEnded(call);
        }
        if (stream == control) {
            control = null;
        }
    }

    void onConnectionClosed() {
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        for (ServerCall call : new ArrayList<>(calls.values())) {
            call.abort(Status.of(StatusCode.CANCELLED, "connection closed"), false);
        }
        endpoint.callsEnded(calls.size());
        calls.clear();
    }

    void removeCall(ServerCall call) {
        if (calls.get(call.callId) == call) {
            calls.remove(call.callId);
            endpoint.callsEnded(1);
        }
    }

    void goAway(long graceMillis, String reason) {
        if (goAway != null) {
            return; // already draining (a connection accepted during the drain is told at once)
        }
        goAway = new GoAway(highestCallId, graceMillis, reason);
        if (control != null) {
            ByteBuf out = control.channel().alloc().directBuffer(64);
            FrameCodec.writeGoAway(out, goAway);
            queue.enqueue(new OutboundQueue.Item(control, out, null, false, false));
        }
    }
}
