package io.rpcnet.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.AttributeKey;
import io.rpcnet.protocol.FrameDecoder;
import io.rpcnet.protocol.Hello;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound QUIC server speaking {@code rpcnet/1}: accepts connections, decodes frames and hands calls to a
 * {@link ServerCallAcceptor}. Netty stays inside; callers see addresses, counters and calls.
 */
public final class QuicServerEndpoint implements AutoCloseable {

    /** The ALPN protocol id of protocol version 1. */
    public static final String ALPN = "rpcnet/1";

    private static final Logger log = LoggerFactory.getLogger(QuicServerEndpoint.class);
    private static final AttributeKey<ServerConnection> CONNECTION = AttributeKey.valueOf("rpcnet.connection");

    private final TransportSettings settings;
    private final ServerCallAcceptor acceptor;
    private final Hello hello;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Channel channel;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger activeCalls = new AtomicInteger();
    /** Set once draining starts: connections accepted after it are told GOAWAY at once. */
    private volatile Drain drain;

    private record Drain(long untilNanos, String reason) {
    }

    private QuicServerEndpoint(InetSocketAddress bindAddress, ServerTls tls, TransportSettings settings,
                               ServerCallAcceptor acceptor, List<String> migrationModes, IoThreads threads)
            throws InterruptedException {
        this.settings = settings;
        this.acceptor = acceptor;
        this.hello = new Hello(Hello.VERSION_1, 0, migrationModes, settings.maxMessageSize(),
                settings.maxConcurrentCalls());
        this.ownsGroup = threads == null;
        this.group = threads == null ? DatagramIo.newGroup(1, "rpcnet-server") : threads.group();
        ChannelHandler codec = new QuicServerCodecBuilder()
                .sslContext(tls.build(ALPN))
                .maxIdleTimeout(settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(settings.connectionWindow())
                .initialMaxStreamDataBidirectionalLocal(settings.streamWindow())
                .initialMaxStreamDataBidirectionalRemote(settings.streamWindow())
                .initialMaxStreamsBidirectional(settings.maxStreams())
                .initialMaxStreamsUnidirectional(0)
                .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, DatagramIo.segmentedAllocator())
                .handler(new ConnectionHandler())
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        ServerConnection connection = ch.parent().attr(CONNECTION).get();
                        ch.pipeline().addLast(new FrameDecoder(settings.maxMessageSize()),
                                new ServerStreamHandler(connection));
                    }
                })
                .build();
        try {
            this.channel = new Bootstrap().group(group).channelFactory(DatagramIo.channelFactory())
                    .option(ChannelOption.SO_RCVBUF, settings.socketBufferSize())
                    .option(ChannelOption.SO_SNDBUF, settings.socketBufferSize())
                    .option(ChannelOption.MAX_MESSAGES_PER_READ, threads == null ? IoThreads.BURST_DATAGRAMS_PER_READ : threads.datagramsPerRead())
                    .handler(codec)
                    .bind(bindAddress).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            if (ownsGroup) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            throw e;
        }
        log.info("RpcNet QUIC server listening on {} (ALPN {}, {})", channel.localAddress(), ALPN,
                DatagramIo.describe());
    }

    /** Binds a server; {@code port 0} picks a free port (see {@link #localAddress()}). */
    public static QuicServerEndpoint start(InetSocketAddress bindAddress, ServerTls tls, TransportSettings settings,
                                           ServerCallAcceptor acceptor, List<String> migrationModes) {
        return start(bindAddress, tls, settings, acceptor, migrationModes, null);
    }

    /**
     * As {@link #start(InetSocketAddress, ServerTls, TransportSettings, ServerCallAcceptor, List)}, on one of
     * {@code threads} (shared, not stopped by {@link #close()}); null: a thread of its own.
     */
    public static QuicServerEndpoint start(InetSocketAddress bindAddress, ServerTls tls, TransportSettings settings,
                                           ServerCallAcceptor acceptor, List<String> migrationModes,
                                           IoThreads threads) {
        Objects.requireNonNull(tls, "TLS is required: configure a certificate and private key");
        try {
            return new QuicServerEndpoint(bindAddress, tls, settings, acceptor, migrationModes, threads);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding " + bindAddress, e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public int activeConnections() {
        return connections.size();
    }

    /** Streams currently open on all connections (tests use it to prove none leak). */
    public int openStreams() {
        return openStreams.get();
    }

    public int activeCalls() {
        return activeCalls.get();
    }

    /** Tells every client to stop sending new calls; in-flight calls continue. */
    public void goAway(Duration grace, String reason) {
        drain = new Drain(System.nanoTime() + grace.toNanos(), reason);
        for (ServerConnection c : connections) {
            c.channel().eventLoop().execute(() -> c.goAway(grace.toMillis(), reason));
        }
    }

    @Override
    public void close() {
        for (ServerConnection c : connections) {
            c.channel().close();
        }
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        log.info("RpcNet QUIC server on {} stopped", channel.localAddress());
    }

    TransportSettings settings() {
        return settings;
    }

    ServerCallAcceptor acceptor() {
        return acceptor;
    }

    Hello hello() {
        return hello;
    }

    void streamOpened() {
        openStreams.incrementAndGet();
    }

    void streamClosed() {
        openStreams.decrementAndGet();
    }

    void callStarted() {
        activeCalls.incrementAndGet();
    }

    void callsEnded(int count) {
        activeCalls.addAndGet(-count);
    }

    private final class ConnectionHandler extends ChannelInboundHandlerAdapter {
        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            QuicChannel quic = (QuicChannel) ctx.channel();
            ServerConnection connection = new ServerConnection(QuicServerEndpoint.this, quic, settings);
            quic.attr(CONNECTION).set(connection);
            connections.add(connection);
            Drain d = drain;
            if (d != null) {
                connection.goAway(Math.max(0, TimeUnit.NANOSECONDS.toMillis(d.untilNanos() - System.nanoTime())),
                        d.reason());
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ServerConnection connection = ctx.channel().attr(CONNECTION).getAndSet(null);
            if (connection != null) {
                connections.remove(connection);
                connection.onConnectionClosed();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("connection from {} failed: {}", ((QuicChannel) ctx.channel()).remoteSocketAddress(),
                    cause.toString());
        }
    }
}
