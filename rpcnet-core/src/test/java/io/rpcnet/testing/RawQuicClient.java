package io.rpcnet.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamType;
import io.rpcnet.protocol.FrameCodec;
import io.rpcnet.protocol.FrameType;
import io.rpcnet.protocol.Hello;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bare QUIC connection to an RpcNet server, for tests that put exact (and deliberately wrong) bytes on
 * the wire. Real QUIC + TLS 1.3 on loopback, verifying the server's certificate for {@code localhost}
 * against the test CA. Its {@link RawStream}s hand back the frames the server sends, parsed but not
 * interpreted; {@link FrameBytes} builds what the tests write. No Netty buffer outlives a call: everything
 * received is copied into byte arrays at once.
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
            stream.attach(quic.createStream(QuicStreamType.BIDIRECTIONAL, stream)
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("cannot open a stream", e);
        }
        return stream;
    }

    /** Opens the control stream, says HELLO and returns the server's HELLO. */
    public RawStream openControl() {
        RawStream control = openStream();
        control.write(FrameBytes.encode(out -> FrameCodec.writeHello(out,
                new Hello(Hello.VERSION_1, 0, List.of(), 4L * 1024 * 1024, 0))));
        RawFrame hello = control.nextFrame();
        if (hello.type() != FrameType.HELLO.code()) {
            throw new AssertionError("expected the server's HELLO, got " + hello);
        }
        control.serverHello(hello.decode(FrameCodec::readHello));
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
}
