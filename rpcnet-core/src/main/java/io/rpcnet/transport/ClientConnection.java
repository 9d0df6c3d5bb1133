package io.rpcnet.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Frame;
import io.rpcnet.protocol.FrameCodec;
import io.rpcnet.protocol.FrameDecoder;
import io.rpcnet.protocol.FrameType;
import io.rpcnet.protocol.GoAway;
import io.rpcnet.protocol.Hello;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.ProtocolException;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One client connection to a server: a control stream (HELLO, PING, GOAWAY), a few long-lived lanes that
 * unary calls share, and a dedicated stream per streaming call. Thread-safe: calls start from any thread.
 */
public final class ClientConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    private final QuicChannel quic;
    private final Channel datagram;
    private final TransportSettings settings;
    private final InetSocketAddress remote;
    private final OutboundQueue queue;
    private final Map<Long, ClientCall> calls = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<ClientLane> lanes;
    private final AtomicLong nextCallId = new AtomicLong(1);
    /** Streams open now, control stream included; closed with the connection (see {@link #onConnectionClosed}). */
    private final Set<StreamContext> liveStreams = ConcurrentHashMap.newKeySet();
    private final List<ScheduledFuture<?>> timers;
    private final Runnable onClosed;
    private final java.util.function.Supplier<String> peerRefusal;
    private volatile GoAway goAway;
    private volatile Hello peerHello;
    private volatile String closeReason;
    private volatile StreamContext control;

    ClientConnection(QuicChannel quic, Channel datagram, InetSocketAddress remote, TransportSettings settings,
                     Runnable onClosed, java.util.function.Supplier<String> peerRefusal) {
        this.peerRefusal = peerRefusal;
        this.quic = quic;
        this.datagram = datagram;
        this.remote = remote;
        this.settings = settings;
        this.onClosed = onClosed;
        this.queue = new OutboundQueue(quic.eventLoop());
        this.lanes = new AtomicReferenceArray<>(settings.lanes());
        long laneCheck = Math.max(10, settings.laneIdleTimeout().toMillis() / 2);
        ScheduledFuture<?> reaper = quic.eventLoop().scheduleWithFixedDelay(this::retireIdleLanes, laneCheck,
                laneCheck, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> keepAlive = settings.keepAliveInterval().isZero() ? null
                : quic.eventLoop().scheduleWithFixedDelay(this::ping, settings.keepAliveInterval().toMillis(),
                settings.keepAliveInterval().toMillis(), TimeUnit.MILLISECONDS);
        this.timers = keepAlive == null ? List.of(reaper) : List.of(reaper, keepAlive);
        quic.closeFuture().addListener(f -> onConnectionClosed());
    }

    /** Opens the control stream and says HELLO; called once right after the handshake. */
    void start(List<String> migrationModes) throws Exception {
        control = openStream();
        ByteBuf hello = control.channel().alloc().directBuffer(64);
        FrameCodec.writeHello(hello, new Hello(Hello.VERSION_1, 0, migrationModes, settings.maxMessageSize(), 0));
        queue.enqueue(new OutboundQueue.Item(control, hello, null, false, false));
    }

    OutboundQueue queue() {
        return queue;
    }

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    public boolean isActive() {
        return quic.isActive() && closeReason == null;
    }

    /** True once the server sent GOAWAY: new calls belong on a new connection. */
    public boolean isDraining() {
        return goAway != null;
    }

    public Hello peerHello() {
        return peerHello;
    }

    public int activeCalls() {
        return calls.size();
    }

    /**
     * The connection's I/O thread. {@link #startCall} run there never blocks (elsewhere it may wait for a new
     * stream); a forwarding proxy starts its calls here.
     */
    public java.util.concurrent.ScheduledExecutorService eventLoop() {
        return quic.eventLoop();
    }

    /** Whether the calling thread is this connection's I/O thread ({@link #eventLoop()}). */
    public boolean inEventLoop() {
        return quic.eventLoop().inEventLoop();
    }

    /** Streams this connection has open, control stream included. */
    public int openStreams() {
        return liveStreams.size();
    }

    /**
     * Starts a call: CALL frame plus (optionally) the first message, in one write. Unary calls share lanes;
     * {@code dedicated} calls (streaming) get their own stream so QUIC flow control applies per call.
     */
    public ClientTransportCall startCall(CallHeader header, boolean dedicated, PayloadWriter firstMessage,
                                         boolean endAfterFirst, ClientCallListener listener) {
        if (!isActive()) {
            throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "connection to " + remote
                    + " is closed" + (closeReason == null ? "" : ": " + closeReason)));
        }
        if (goAway != null) {
            throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE,
                    "server " + remote + " is going away; the call was not sent"));
        }
        long id = nextCallId.getAndIncrement();
        ClientLane lane = dedicated ? null : acquireLane();
        StreamContext stream = dedicated ? openStreamOrFail() : lane.stream;
        if (dedicated) {
            stream.markDedicated();
        }
        ClientCall call = new ClientCall(this, id, stream, lane, listener, (int) Math.min(Integer.MAX_VALUE,
                peerHello == null ? settings.maxMessageSize() : peerHello.maxMessageSize()));
        if (endAfterFirst) {
            call.markHalfClosed();
        }
        calls.put(id, call);
        // CALL and the first MESSAGE in one buffer: one write, normally one packet
        ByteBuf frames = stream.channel().alloc().directBuffer(64 + header.method().length()
                + (firstMessage == null ? 0 : call.messageFrameSizeHint(firstMessage)));
        try {
            FrameCodec.writeCall(frames, id, ClientCall.callFlags(dedicated, endAfterFirst && firstMessage == null),
                    header);
            if (firstMessage != null) {
                call.writeMessageFrame(frames, firstMessage, CallBase.endFlag(endAfterFirst));
            }
        } catch (RuntimeException e) {
            frames.release();
            forget(call);
            throw e;
        }
        try {
            call.enqueue(frames, false, dedicated && endAfterFirst);
        } catch (RpcException e) { // the I/O thread shut down meanwhile; the queue released the frames
            forget(call);
            throw e;
        }
        return call;
    }

    private ClientLane acquireLane() {
        // calls queued for the same write share a lane, so they leave in one stream write (one packet, not one per
        // lane); the next burst takes the next lane, which spreads head-of-line blocking over the lanes
        int n = lanes.length();
        int start = Math.floorMod(queue.generation(), n);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            ClientLane lane = lanes.get(slot);
            if (lane != null && lane.tryAcquire()) {
                return lane;
            }
            if (lane == null || !lane.isUsable()) {
                ClientLane fresh = new ClientLane(openStreamOrFail());
                fresh.tryAcquire();
                if (lanes.compareAndSet(slot, lane, fresh)) {
                    return fresh;
                }
                fresh.release();
                fresh.stream.reset(StreamContext.RESET_NO_ERROR);
                ClientLane winner = lanes.get(slot); // another call opened this lane just now: share it
                if (winner != null && winner.tryAcquire()) {
                    return winner;
                }
            }
        }
        throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "no usable lane on connection to " + remote));
    }

    private StreamContext openStreamOrFail() {
        try {
            return openStream();
        } catch (Exception e) {
            throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "cannot open a stream to " + remote
                    + ": " + e), e);
        }
    }

    private StreamContext openStream() throws Exception {
        ClientStreamHandler handler = new ClientStreamHandler(this);
        Future<QuicStreamChannel> future = quic.createStream(QuicStreamType.BIDIRECTIONAL,
                new io.netty.channel.ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(settings.maxMessageSize()), handler);
                    }
                });
        if (!quic.eventLoop().inEventLoop()) {
            future.await(settings.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            throw cause instanceof Exception e ? e : new IllegalStateException("stream not opened in time", cause);
        }
        return handler.stream();
    }

    /** Sends a frame on the control stream (used for CANCEL of a call whose own stream is half-closed). */
    void sendOnControl(java.util.function.Consumer<ByteBuf> writer) {
        StreamContext c = control;
        if (c == null) {
            return;
        }
        ByteBuf buf = c.channel().alloc().directBuffer(64);
        writer.accept(buf);
        queue.enqueue(new OutboundQueue.Item(c, buf, null, false, false));
    }

    void onStreamOpened(StreamContext stream) {
        liveStreams.add(stream);
    }

    void onFrame(StreamContext stream, Frame frame) {
        try {
            switch (frame.type()) {
                case MESSAGE -> {
                    ClientCall call = calls.get(frame.callId());
                    if (call != null && !call.isClosed()) {
                        call.listener().onMessage(new ByteBufInboundMessage(frame.payload().retain()));
                    }
                }
                case STATUS -> {
                    Metadata trailers = new Metadata();
                    Status status = FrameCodec.readStatus(frame.payload(), trailers);
                    if (frame.callId() == 0) {
                        failStream(stream, Status.of(status.code(), "server rejected the stream: " + status.message()));
                        stream.reset(StreamContext.RESET_NO_ERROR); // never reuse a rejected lane
                    } else {
                        ClientCall call = calls.get(frame.callId());
                        if (call != null) {
                            call.close(status, trailers);
                        }
                    }
                }
                case HELLO -> peerHello = FrameCodec.readHello(frame.payload());
                case GOAWAY -> {
                    goAway = FrameCodec.readGoAway(frame.payload());
                    log.info("server {} is going away: {}", remote, goAway.reason());
                }
                case PING -> {
                    if (frame.payload().readableBytes() != 8) {
                        throw new ProtocolException(StatusCode.INVALID_ARGUMENT, "PING payload must be 8 bytes");
                    }
                    ByteBuf pong = stream.channel().alloc().directBuffer(16);
                    FrameCodec.writePing(pong, FrameType.PONG, frame.payload().getLong(frame.payload().readerIndex()));
                    queue.enqueue(new OutboundQueue.Item(stream, pong, null, false, false));
                }
                case PONG -> { }
                default -> onMalformed(stream, frame.type() + " frames are sent by clients only");
            }
        } catch (ProtocolException e) {
            onMalformed(stream, e.getMessage());
        } finally {
            frame.release();
        }
    }

    void onOversized(StreamContext stream, FrameDecoder.Oversized oversized) {
        ClientCall call = calls.get(oversized.callId());
        if (call != null) {
            call.cancel(Status.of(StatusCode.RESOURCE_EXHAUSTED, "response of " + oversized.length()
                    + " bytes exceeds the limit of " + oversized.limit() + " bytes"));
        }
    }

    void onMalformed(StreamContext stream, String reason) {
        if (stream.isOutputClosed() && !stream.channel().isActive()) {
            return;
        }
        log.warn("malformed frame from server {}: {}", remote, reason);
        failStream(stream, Status.of(StatusCode.INTERNAL, "malformed frame from server: " + reason));
        stream.reset(StreamContext.RESET_NO_ERROR);
    }

    void onStreamClosed(StreamContext stream) {
        liveStreams.remove(stream);
        failStream(stream, Status.of(StatusCode.UNAVAILABLE, "stream to " + remote + " closed before the call ended"));
    }

    void onWritable(StreamContext stream) {
        for (ClientCall call : calls.values()) {
            if (call.stream == stream) {
                call.signalReady();
            }
        }
    }

    private void failStream(StreamContext stream, Status status) {
        for (ClientCall call : calls.values()) {
            if (call.stream == stream) {
                call.close(status, Metadata.empty());
            }
        }
    }

    void forget(ClientCall call) {
        if (calls.remove(call.callId(), call) && call.lane() != null) {
            call.lane().release();
        }
    }

    private void retireIdleLanes() {
        long idle = settings.laneIdleTimeout().toNanos();
        for (int i = 0; i < lanes.length(); i++) {
            ClientLane lane = lanes.get(i);
            if (lane != null && lane.tryRetire(idle)) {
                lanes.compareAndSet(i, lane, null);
                lane.stream.reset(StreamContext.RESET_NO_ERROR);
            }
        }
    }

    private void ping() {
        if (control != null && control.channel().isActive()) {
            ByteBuf ping = control.channel().alloc().directBuffer(16);
            FrameCodec.writePing(ping, FrameType.PING, ThreadLocalRandom.current().nextLong());
            queue.enqueue(new OutboundQueue.Item(control, ping, null, false, false));
        }
    }

    private void onConnectionClosed() {
        if (closeReason == null) {
            String refusal = peerRefusal.get();
            closeReason = refusal != null ? refusal : quic.isTimedOut() ? "idle timeout" : "connection closed";
        }
        timers.forEach(t -> t.cancel(false));
        Status status = Status.of(StatusCode.UNAVAILABLE, "connection to " + remote + " lost: " + closeReason);
        for (ClientCall call : calls.values()) {
            call.close(status, Metadata.empty());
        }
        // Netty closes the streams it still tracks; one the QUIC library already considers finished while a
        // write waited for flow control (netty/netty#15924) is closed here, which releases that write's buffer
        for (StreamContext stream : liveStreams) {
            stream.channel().close();
        }
        datagram.close();
        onClosed.run();
    }

    @Override
    public void close() {
        if (closeReason == null) {
            closeReason = "closed by client";
        }
        quic.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        datagram.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
