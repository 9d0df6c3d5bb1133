package io.rpcnet.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.FrameCodec;
import io.rpcnet.protocol.FrameType;
import io.rpcnet.protocol.Hello;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.Varint;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A bare QUIC connection to an RpcNet server, for tests that put exact (and deliberately wrong) bytes on
 * the wire. Real QUIC + TLS 1.3 on loopback, verifying the server's certificate for {@code localhost}
 * against the test CA. Streams hand back the frames the server sends, parsed but not interpreted.
 * No Netty buffer outlives a call: everything received is copied into byte arrays at once.
 */
public final class RawQuicClient implements AutoCloseable {

    /** How long any wait for the server may take before the test fails. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final EventLoopGroup group;
    private final Channel datagram;
    private final QuicChannel quic;
    private final AtomicLong nextCallId = new AtomicLong(1);

    /** Connects to {@code 127.0.0.1:port} and completes the handshake. */
    public RawQuicClient(int port) {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            QuicSslContext ssl = QuicSslContextBuilder.forClient()
                    .trustManager(TestTls.file("ca.pem").toFile())
                    .applicationProtocols("rpcnet/1")
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
            ChannelHandler codec = new QuicClientCodecBuilder()
                    .sslEngineProvider(q -> ssl.newEngine(q.alloc(), "localhost", port))
                    .maxIdleTimeout(30, TimeUnit.SECONDS)
                    .initialMaxData(32L * 1024 * 1024)
                    .initialMaxStreamDataBidirectionalLocal(8L * 1024 * 1024)
                    .initialMaxStreamDataBidirectionalRemote(8L * 1024 * 1024)
                    .initialMaxStreamsBidirectional(0)
                    .initialMaxStreamsUnidirectional(0)
                    .build();
            datagram = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            quic = QuicChannel.newBootstrap(datagram)
                    .streamHandler(new ChannelInboundHandlerAdapter())
                    .remoteAddress(new InetSocketAddress("127.0.0.1", port))
                    .connect()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("raw QUIC connection to port " + port + " failed", e);
        }
    }

    public boolean isActive() {
        return quic.isActive();
    }

    /** A fresh call id (unique on this connection, as the protocol requires). */
    public long nextCallId() {
        return nextCallId.getAndIncrement();
    }

    /** Opens a client bidirectional stream. */
    public RawStream openStream() {
        RawStream stream = new RawStream();
        try {
            stream.channel = quic.createStream(QuicStreamType.BIDIRECTIONAL, stream)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open a stream", e);
        }
        return stream;
    }

    /** Opens the control stream, says HELLO and returns the server's HELLO. */
    public RawStream openControl() {
        RawStream control = openStream();
        control.write(encode(out -> FrameCodec.writeHello(out,
                new Hello(Hello.VERSION_1, 0, List.of(), 4L * 1024 * 1024, 0))));
        RawFrame hello = control.nextFrame();
        if (hello.type() != FrameType.HELLO.code()) {
            throw new AssertionError("expected the server's HELLO, got " + hello);
        }
        control.serverHello = read(hello.payload(), FrameCodec::readHello);
        return control;
    }

    @Override
    public void close() {
        try {
            quic.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            datagram.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    // ---- frame builders (valid frames through the reference codec; bad bytes are made by the tests) ----

    /** Encodes whatever {@code writer} puts in a buffer and returns the bytes (the buffer is released). */
    public static byte[] encode(Consumer<ByteBuf> writer) {
        ByteBuf buf = Unpooled.buffer(128);
        try {
            writer.accept(buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /** A CALL frame with no deadline, no session and no metadata. */
    public static byte[] call(long callId, int flags, String method) {
        return encode(out -> FrameCodec.writeCall(out, callId, flags, new CallHeader(method, 0, null, Metadata.empty())));
    }

    public static byte[] message(long callId, int flags, byte[] payload) {
        return encode(out -> FrameCodec.writeMessage(out, callId, flags, payload));
    }

    public static byte[] message(long callId, int flags, String utf8) {
        return message(callId, flags, utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** A frame with an arbitrary header and payload, length in the minimal varint form. */
    public static byte[] frame(int type, int flags, long callId, byte[] payload) {
        return encode(out -> {
            out.writeByte(type);
            out.writeByte(flags);
            Varint.write(out, callId);
            Varint.write(out, payload.length);
            out.writeBytes(payload);
        });
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static <T> T read(byte[] payload, java.util.function.Function<ByteBuf, T> reader) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        try {
            return reader.apply(buf);
        } finally {
            buf.release();
        }
    }

    /** One frame as the server sent it. */
    public record RawFrame(int type, int flags, long callId, byte[] payload) {

        public boolean isStatus() {
            return type == FrameType.STATUS.code();
        }

        public boolean isMessage() {
            return type == FrameType.MESSAGE.code();
        }

        /** The STATUS payload decoded; fails if this is not a STATUS frame or has bytes left over. */
        public Status status() {
            if (!isStatus()) {
                throw new AssertionError("not a STATUS frame: " + this);
            }
            return read(payload, in -> {
                Status status = FrameCodec.readStatus(in, null);
                if (in.isReadable()) {
                    throw new AssertionError("STATUS has " + in.readableBytes() + " trailing bytes");
                }
                return status;
            });
        }

        /** The trailers of a STATUS frame. */
        public Metadata trailers() {
            Metadata trailers = new Metadata();
            read(payload, in -> FrameCodec.readStatus(in, trailers));
            return trailers;
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String what = FrameType.fromCode(type) == null ? String.format("0x%02x", type) : FrameType.fromCode(type).name();
            return what + "(call=" + callId + ", flags=" + flags + ", bytes=" + payload.length
                    + (isStatus() ? ", " + status() : "") + ")";
        }
    }

    /** What the server answered for one call: its MESSAGE payloads in order, then its STATUS. */
    public record CallResult(List<byte[]> messages, RawFrame statusFrame) {

        public Status status() {
            return statusFrame.status();
        }

        public String onlyMessageText() {
            if (messages.size() != 1) {
                throw new AssertionError("expected one MESSAGE, got " + messages.size() + " before " + status());
            }
            return new String(messages.get(0), StandardCharsets.UTF_8);
        }
    }

    /** One client-opened bidirectional stream: write raw bytes, read the server's frames. */
    public final class RawStream extends ChannelInboundHandlerAdapter {

        private final BlockingQueue<RawFrame> frames = new LinkedBlockingQueue<>();
        private final List<RawFrame> unclaimed = new ArrayList<>();
        private final CountDownLatch finReceived = new CountDownLatch(1);
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private volatile String garbage;
        private volatile QuicStreamChannel channel;
        private volatile Hello serverHello;

        private RawStream() {
        }

        public long streamId() {
            return channel.streamId();
        }

        /** The server's HELLO, when this is a control stream opened by {@link #openControl()}. */
        public Hello serverHello() {
            return serverHello;
        }

        public void write(byte[] bytes) {
            write(bytes, false);
        }

        /** Writes {@code bytes} in one STREAM write, with FIN when {@code fin}; waits until it is written. */
        public void write(byte[] bytes, boolean fin) {
            if (!channel.writeAndFlush(new DefaultQuicStreamFrame(Unpooled.wrappedBuffer(bytes), fin))
                    .awaitUninterruptibly(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("write on stream " + streamId() + " did not complete");
            }
        }

        /** The next frame the server sent on this stream; fails after {@link #TIMEOUT}. */
        public RawFrame nextFrame() {
            if (!unclaimed.isEmpty()) {
                return unclaimed.remove(0);
            }
            return poll();
        }

        private RawFrame poll() {
            try {
                RawFrame frame = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (frame == null) {
                    throw new AssertionError("no frame from the server on stream " + streamId() + " within "
                            + TIMEOUT + (garbage != null ? " (unparseable bytes: " + garbage + ")" : "")
                            + (finReceived.getCount() == 0 ? " (stream ended)" : ""));
                }
                return frame;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }

        /**
         * Reads until the STATUS of {@code callId}, collecting its MESSAGEs; frames of other calls are kept
         * for later reads.
         */
        public CallResult awaitCall(long callId) {
            List<byte[]> messages = new ArrayList<>();
            List<RawFrame> others = new ArrayList<>();
            try {
                while (true) {
                    RawFrame frame = unclaimed.isEmpty() ? poll() : unclaimed.remove(0);
                    if (frame.callId() != callId) {
                        others.add(frame);
                    } else if (frame.isMessage()) {
                        messages.add(frame.payload());
                    } else if (frame.isStatus()) {
                        return new CallResult(messages, frame);
                    } else {
                        throw new AssertionError("unexpected frame for call " + callId + ": " + frame);
                    }
                }
            } finally {
                unclaimed.addAll(0, others);
            }
        }

        /** Frames received but not yet read. */
        public int framesLeft() {
            return unclaimed.size() + frames.size();
        }

        /** Waits for the server's FIN on this stream. */
        public boolean awaitFin() {
            try {
                return finReceived.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        public boolean isFinReceived() {
            return finReceived.getCount() == 0;
        }

        /** Closes the stream locally (RESET_STREAM / STOP_SENDING if it is not finished). */
        public void close() {
            channel.close().awaitUninterruptibly(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                byte[] bytes = new byte[in.readableBytes()];
                in.readBytes(bytes);
                pending.writeBytes(bytes);
            } finally {
                in.release();
            }
            parse();
        }

        private void parse() {
            byte[] all = pending.toByteArray();
            ByteBuf buf = Unpooled.wrappedBuffer(all);
            try {
                while (buf.readableBytes() >= 2) {
                    int start = buf.readerIndex();
                    long callId = Varint.get(buf, start + 2);
                    if (callId == Varint.INCOMPLETE) {
                        break;
                    }
                    int lengthAt = start + 2 + Varint.encodedLength(buf, start + 2);
                    long length = Varint.get(buf, lengthAt);
                    if (length == Varint.INCOMPLETE) {
                        break;
                    }
                    int payloadAt = lengthAt + Varint.encodedLength(buf, lengthAt);
                    if (buf.writerIndex() - payloadAt < length) {
                        break;
                    }
                    byte[] payload = new byte[(int) length];
                    buf.getBytes(payloadAt, payload);
                    frames.add(new RawFrame(buf.getUnsignedByte(start), buf.getUnsignedByte(start + 1), callId, payload));
                    buf.readerIndex(payloadAt + (int) length);
                }
                pending.reset();
                pending.write(all, buf.readerIndex(), buf.readableBytes());
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownReadComplete.INSTANCE) {
                if (pending.size() > 0) {
                    garbage = pending.size() + " bytes";
                }
                finReceived.countDown();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a reset by the server surfaces here; the tests look at frames, FIN and closure instead
        }
    }
}
