package io.rpcnet.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The UDP sockets one QUIC server listens on. With native epoll (Linux): one socket per I/O thread of the
 * server's group, all bound to the same address and port with {@code SO_REUSEPORT}, each with its own QUIC
 * codec and registered on its own thread. The kernel hashes each client's address and port to one socket,
 * so a QUIC connection stays on one socket and thread while the connections spread over all threads. With
 * NIO ({@code -Drpcnet.transport.nio=true}, or no epoll) there is no {@code SO_REUSEPORT}: one socket.
 *
 * <p>Before the shared sockets bind, the port is claimed with a plain bind (no {@code SO_REUSEPORT}) that is
 * released at once. It makes a port in use fail the bind as it always did, instead of the sockets silently
 * joining another process's group; and for port 0 the kernel picks a port nobody uses (asked for port 0 with
 * {@code SO_REUSEPORT}, Linux may hand out a port other {@code SO_REUSEPORT} sockets of the same user already
 * share, and the new socket joins their group). Servers of this JVM claim under one lock.
 *
 * <p>Security: Linux lets only sockets of the same effective user id join a {@code SO_REUSEPORT} port, but any
 * process of that user may join it and receive a share of the server's datagrams: run servers under a user of
 * their own. A client whose address changes during a connection (NAT rebinding) may hash to a socket that does
 * not know the connection and drops its packets; the connection times out and the client reconnects (with one
 * socket, {@code eventLoopThreads = 1}, QUIC would follow the new address).
 */
final class ServerSockets {

    /** Claim-then-bind of this JVM's servers, so two of them never claim the same free port in between. */
    private static final Object CLAIM_LOCK = new Object();

    private final List<Channel> channels;

    private ServerSockets(List<Channel> channels) {
        this.channels = List.copyOf(channels);
    }

    /** I/O threads a server's own group needs: {@code eventLoopThreads} (0 = one per core), 1 with NIO. */
    static int ownThreads(int eventLoopThreads) {
        return DatagramIo.reusePort() ? IoThreads.count(eventLoopThreads) : 1;
    }

    /**
     * Binds one socket per thread of {@code group} (one with NIO), each with a codec from {@code codecs}. If a
     * bind fails, the sockets already bound are closed and the failure is thrown.
     */
    static ServerSockets bind(InetSocketAddress address, EventLoopGroup group, Supplier<ChannelHandler> codecs,
                              int socketBufferSize, int datagramsPerRead) throws InterruptedException {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        if (!DatagramIo.reusePort() || loops.size() == 1) {
            Channel only = bootstrap(loops.get(0), socketBufferSize, datagramsPerRead, false)
                    .handler(codecs.get()).bind(address).sync().channel();
            return new ServerSockets(List.of(only));
        }
        List<Channel> bound = new ArrayList<>(loops.size());
        try {
            synchronized (CLAIM_LOCK) {
                InetSocketAddress shared = new InetSocketAddress(address.getAddress(), claimPort(address, loops.get(0)));
                for (EventLoop loop : loops) {
                    bound.add(bootstrap(loop, socketBufferSize, datagramsPerRead, true)
                            .handler(codecs.get()).bind(shared).sync().channel());
                }
            }
        } catch (Throwable e) { // also the checked IOException Netty rethrows undeclared (address in use)
            closeAll(bound);
            throw e;
        }
        return new ServerSockets(bound);
    }

    /** The port {@code address} names, or a free one for port 0, checked free with a plain bind released at once. */
    private static int claimPort(InetSocketAddress address, EventLoop loop) throws InterruptedException {
        Channel probe = bootstrap(loop, 64 * 1024, 1, false).handler(new ChannelInboundHandlerAdapter())
                .bind(address).sync().channel();
        int port = ((InetSocketAddress) probe.localAddress()).getPort();
        probe.close().sync();
        return port;
    }

    private static Bootstrap bootstrap(EventLoop loop, int socketBufferSize, int datagramsPerRead, boolean reusePort) {
        Bootstrap b = new Bootstrap().group(loop).channelFactory(DatagramIo.channelFactory())
                .option(ChannelOption.SO_RCVBUF, socketBufferSize)
                .option(ChannelOption.SO_SNDBUF, socketBufferSize)
                .option(ChannelOption.MAX_MESSAGES_PER_READ, datagramsPerRead);
        return reusePort ? DatagramIo.withReusePort(b) : b;
    }

    /** The address all sockets are bound to. */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) channels.get(0).localAddress();
    }

    List<Channel> channels() {
        return channels;
    }

    /** Index of {@code socket} among {@link #channels()}, or -1. */
    int indexOf(Channel socket) {
        return channels.indexOf(socket);
    }

    boolean allClosed() {
        return channels.stream().noneMatch(Channel::isOpen);
    }

    /** E.g. "2 sockets with SO_REUSEPORT" or "1 socket". */
    String describe() {
        return channels.size() == 1 ? "1 socket" : channels.size() + " sockets with SO_REUSEPORT";
    }

    void close() {
        closeAll(channels);
    }

    private static void closeAll(List<Channel> channels) {
        List<ChannelFuture> closing = new ArrayList<>(channels.size());
        for (Channel c : channels) {
            closing.add(c.close());
        }
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
