package io.rpcnet.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.util.concurrent.Future;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;

import javax.net.ssl.SSLException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dials QUIC connections to RpcNet servers. Owns the client I/O threads; one endpoint serves many
 * connections. TLS is always on and the server's certificate and host name are always verified.
 */
public final class QuicClientEndpoint implements AutoCloseable {

    private final TransportSettings settings;
    private final ClientTls tls;
    private final QuicSslContext sslContext;
    private final IoThreads threads;
    private final boolean ownsThreads;
    private final AtomicInteger liveConnections = new AtomicInteger();

    public QuicClientEndpoint(ClientTls tls, TransportSettings settings) {
        this(tls, settings, null);
    }

    /**
     * An endpoint whose connections run on {@code threads} (shared, not stopped by {@link #close()}); null: I/O
     * threads of its own ({@link TransportSettings#eventLoopThreads()}).
     */
    public QuicClientEndpoint(ClientTls tls, TransportSettings settings, IoThreads threads) {
        this.tls = tls;
        this.settings = settings;
        this.sslContext = tls.build(QuicServerEndpoint.ALPN);
        this.ownsThreads = threads == null;
        this.threads = threads != null ? threads : IoThreads.create(settings.eventLoopThreads(), "rpcnet-client");
    }

    public TransportSettings settings() {
        return settings;
    }

    /**
     * Connects and completes the TLS handshake, verifying the certificate for {@code host} (or the
     * configured server name). Failures are {@link RpcException}s with status UNAVAILABLE and a message
     * naming the cause (for example an untrusted certificate or a host-name mismatch).
     */
    public ClientConnection connect(String host, int port, List<String> migrationModes) {
        return connect(host, port, migrationModes, settings.handshakeTimeout());
    }

    /**
     * As {@link #connect(String, int, List)}, giving up after {@code timeout} when that is shorter than the
     * configured handshake timeout (a caller whose deadline is near must not wait for the full handshake).
     */
    public ClientConnection connect(String host, int port, List<String> migrationModes, java.time.Duration timeout) {
        return connect(host, port, migrationModes, timeout, null);
    }

    /**
     * As {@link #connect(String, int, List)}, the connection running on {@code ioThread} when that is one of this
     * endpoint's I/O threads (a proxy keeps a call on the thread it arrived on), else on any of them.
     */
    public ClientConnection connect(String host, int port, List<String> migrationModes, Executor ioThread) {
        return connect(host, port, migrationModes, settings.handshakeTimeout(), ioThread);
    }

    private ClientConnection connect(String host, int port, List<String> migrationModes, java.time.Duration timeout,
                                     Executor ioThread) {
        long waitMillis = Math.max(1, Math.min(settings.handshakeTimeout().toMillis(), timeout.toMillis()));
        InetSocketAddress remote;
        try {
            remote = new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "unknown host " + host));
        }
        String serverName = tls.serverNameFor(host);
        ChannelHandler codec = new QuicClientCodecBuilder()
                .sslEngineProvider(q -> sslContext.newEngine(q.alloc(), serverName, port))
                .maxIdleTimeout(settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(settings.connectionWindow())
                .initialMaxStreamDataBidirectionalLocal(settings.streamWindow())
                .initialMaxStreamDataBidirectionalRemote(settings.streamWindow())
                .initialMaxStreamsBidirectional(0)
                .initialMaxStreamsUnidirectional(0)
                .build();
        Channel datagram = null;
        try {
            InetSocketAddress local = new InetSocketAddress(remote.getAddress().isLoopbackAddress()
                    ? remote.getAddress() : null, 0);
            datagram = new Bootstrap().group(threads.loopFor(ioThread)).channelFactory(DatagramIo.channelFactory())
                    .option(ChannelOption.SO_RCVBUF, settings.socketBufferSize())
                    .option(ChannelOption.SO_SNDBUF, settings.socketBufferSize())
                    .option(ChannelOption.MAX_MESSAGES_PER_READ, threads.datagramsPerRead())
                    .handler(codec)
                    .bind(local).sync().channel();
            HandshakeFailure failure = new HandshakeFailure();
            Future<QuicChannel> future = QuicChannel.newBootstrap(datagram)
                    .option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, DatagramIo.segmentedAllocator())
                    .handler(failure)
                    .streamHandler(new RefuseServerStreams())
                    .remoteAddress(remote)
                    .connect();
            if (!future.await(waitMillis, TimeUnit.MILLISECONDS)) {
                // no future.cancel(): closing the datagram channel (below) fails the attempt without Netty
                // logging a "complete already" warning when the handshake result arrives late
                throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "QUIC handshake with " + host
                        + ":" + port + " timed out after " + waitMillis + " ms"));
            }
            if (!future.isSuccess()) {
                throw handshakeFailed(host, port, failure.cause != null ? failure.cause : future.cause());
            }
            QuicChannel quic = future.getNow();
            Channel dgram = datagram;
            liveConnections.incrementAndGet();
            ClientConnection connection = new ClientConnection(quic, dgram, remote, settings,
                    liveConnections::decrementAndGet, () -> failure.peerRefusal);
            connection.start(migrationModes);
            return connection;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(datagram);
            throw new RpcException(StatusCode.CANCELLED, "interrupted while connecting to " + host + ":" + port);
        } catch (RpcException e) {
            closeQuietly(datagram);
            throw e;
        } catch (Exception e) {
            closeQuietly(datagram);
            throw handshakeFailed(host, port, e);
        }
    }

    public int liveConnections() {
        return liveConnections.get();
    }

    /**
     * The failure of a connection attempt as UNAVAILABLE, in words a user can act on: BoringSSL reports any
     * certificate the trust manager rejects as a bare CERTIFICATE_VERIFY_FAILED, and a server that refuses the
     * handshake only sends a TLS alert number.
     */
    private RpcException handshakeFailed(String host, int port, Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && !(root instanceof SSLException)) {
            root = root.getCause();
        }
        String kind = root instanceof SSLException ? "TLS handshake" : "connection";
        String reason;
        if (root == null) {
            reason = "unknown reason";
        } else if (root instanceof io.netty.handler.codec.quic.QuicClosedChannelException closed
                && closed.event() != null && closed.event().isTlsError()) {
            kind = "TLS handshake";
            reason = tlsRefusal(closed.event());
        } else {
            reason = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
            if (root instanceof SSLException && reason.contains("CERTIFICATE_VERIFY_FAILED")) {
                String name = tls.serverNameFor(host);
                reason = "the server's certificate was not accepted: it is not issued by a certificate authority "
                        + "this client trusts, or it is not valid for the server name '" + name + "'"
                        + (name.equals(host) ? " (to verify another name, use ClientTls.withServerName)" : "")
                        + " [" + reason + "]";
            }
        }
        return new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE,
                kind + " with " + host + ":" + port + " failed: " + reason), cause);
    }

    /**
     * What a server's TLS alert (a QUIC CONNECTION_CLOSE with a crypto error) means for the client; also fits a
     * refusal that arrives after the client's side of the handshake completed (TLS 1.3 mutual TLS).
     */
    static String tlsRefusal(io.netty.handler.codec.quic.QuicConnectionCloseEvent close) {
        int alert = io.netty.handler.codec.quic.QuicConnectionCloseEvent.extractTlsError(close.error());
        String meaning = switch (alert) {
            case 40 -> "handshake_failure: no TLS parameters acceptable to both sides";
            case 42, 43, 44, 45, 46 -> "the server rejected this client's certificate";
            case 48 -> "unknown_ca: the server does not trust the issuer of this client's certificate";
            case 116 -> "certificate_required: the server requires a client certificate (mutual TLS); "
                    + "configure one with ClientTls.withIdentity(...)";
            case 120 -> "no_application_protocol: the server does not speak " + QuicServerEndpoint.ALPN;
            default -> "see RFC 8446 section 6";
        };
        return "the server refused the handshake with TLS alert " + alert + " (" + meaning + ")";
    }

    private static void closeQuietly(Channel channel) {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void close() {
        if (ownsThreads) {
            threads.close();
        }
    }

    /**
     * Remembers why a handshake failed (the connect future often only says "closed"); a server refusing the
     * handshake is reported by its TLS alert, which arrives before the connect future fails.
     */
    private static final class HandshakeFailure extends ChannelInboundHandlerAdapter {
        volatile Throwable cause;
        /** The server's TLS alert when it closed the connection, during or after the handshake. */
        volatile String peerRefusal;
        private boolean handshakeDone;

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (this.cause == null) {
                this.cause = cause;
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent done && done.isSuccess()) {
                handshakeDone = true;
            }
            if (evt instanceof io.netty.handler.codec.quic.QuicConnectionCloseEvent close && close.isTlsError()) {
                peerRefusal = tlsRefusal(close); // TLS 1.3 mutual TLS: refused after our side completed
            }
            if (evt instanceof io.netty.handler.codec.quic.QuicConnectionCloseEvent close && close.isTlsError()
                    && !handshakeDone) {
                if (this.cause == null) {
                    this.cause = new javax.net.ssl.SSLHandshakeException(tlsRefusal(close));
                }
                // the server refused the handshake: close now rather than after quiche's draining period
                // (3 PTOs, about 4 s before any RTT sample), which is when the connect future would fail
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
        }
    }

    /** Servers do not open streams in protocol version 1. */
    private static final class RefuseServerStreams extends ChannelInboundHandlerAdapter {
        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
