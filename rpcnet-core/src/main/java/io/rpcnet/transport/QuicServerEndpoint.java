package io.rpcnet.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
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
 *
 * <p>With native epoll (Linux) the server listens on one UDP socket per I/O thread, all on the same address
 * and port with {@code SO_REUSEPORT}, so its connections spread over the threads (the kernel keeps each client
 * address on one socket); with NIO on one socket. Counters, GOAWAY and {@link #close()} cover all sockets.
 * {@code SO_REUSEPORT} lets any process of the same effective user id join the port: see {@link ServerSockets}.
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
    private final ServerSockets sockets;
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
        this.group = threads == null
                ? DatagramIo.newGroup(ServerSockets.ownThreads(settings.eventLoopThreads()), "rpcnet-server")
                : threads.group();
        try {
            QuicServerCodecBuilder codec = codecBuilder(tls.build(ALPN));
            this.sockets = ServerSockets.bind(bindAddress, group, codec::build,
                    settings.socketBufferSize(),
                    threads == null ? IoThreads.BURST_DATAGRAMS_PER_READ : threads.datagramsPerRead());
        } catch (Throwable e) { // also the checked IOException Netty rethrows undeclared (address in use)
            if (ownsGroup) {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            throw e;
        }
        log.info("RpcNet QUIC server listening on {} (ALPN {}, {}, {})", sockets.localAddress(), ALPN,
                DatagramIo.describe(), sockets.describe());
    }

    /** One codec per socket is built from this; all share {@code sslContext}. */
    private QuicServerCodecBuilder codecBuilder(QuicSslContext sslContext) {
        return new QuicServerCodecBuilder()
                .sslContext(sslContext)
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
                });
    }

    /**
     * Binds a server on I/O threads of its own ({@link TransportSettings#eventLoopThreads()}, 0 = one per core;
     * one with NIO), one socket each; {@code port 0} picks a free port (see {@link #localAddress()}).
     */
    public static QuicServerEndpoint start(InetSocketAddress bindAddress, ServerTls tls, TransportSettings settings,
                                           ServerCallAcceptor acceptor, List<String> migrationModes) {
        return start(bindAddress, tls, settings, acceptor, migrationModes, null);
    }

    /**
     * As {@link #start(InetSocketAddress, ServerTls, TransportSettings, ServerCallAcceptor, List)}, on
     * {@code threads} (shared, not stopped by {@link #close()}), one socket per thread (one with NIO); null:
     * threads of its own.
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

    /** The address and port every socket of this server is bound to. */
    public InetSocketAddress localAddress() {
        return sockets.localAddress();
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

    /** Closes every connection and every socket; stops the I/O threads unless they are shared. */
    @Override
    public void close() {
        InetSocketAddress address = sockets.localAddress();
        for (ServerConnection c : connections) {
            c.channel().close();
        }
        sockets.close();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        log.info("RpcNet QUIC server on {} stopped", address);
    }

    /** The UDP sockets this server listens on (one per I/O thread with epoll). */
    ServerSockets sockets() {
        return sockets;
    }

    /** Connections open right now on each socket, in the order of {@link ServerSockets#channels()}. */
    int[] connectionsPerSocket() {
        int[] counts = new int[sockets.channels().size()];
        for (ServerConnection c : connections) {
            int socket = sockets.indexOf(c.channel().parent());
            if (socket >= 0) {
                counts[socket]++;
            }
        }
        return counts;
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
