package io.rpcnet.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Picks the UDP I/O: native epoll where available (Linux), so QUIC can hand the kernel many packets in one
 * {@code sendmsg} (UDP GSO); plain NIO elsewhere.
 */
final class DatagramIo {

    /** Packets handed to the kernel per GSO send. */
    private static final int GSO_SEGMENTS = 16;

    private static final boolean EPOLL = Epoll.isAvailable() && !Boolean.getBoolean("rpcnet.transport.nio");

    private DatagramIo() {
    }

    static EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
                EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    static ChannelFactory<DatagramChannel> channelFactory() {
        return EPOLL ? EpollDatagramChannel::new : NioDatagramChannel::new;
    }

    /** GSO for QUIC channels, or none when the transport cannot segment. */
    static SegmentedDatagramPacketAllocator segmentedAllocator() {
        return EPOLL ? EpollQuicUtils.newSegmentedAllocator(GSO_SEGMENTS) : SegmentedDatagramPacketAllocator.NONE;
    }

    /** Whether servers bind one socket per I/O thread with {@code SO_REUSEPORT} (epoll only; NIO has none). */
    static boolean reusePort() {
        return EPOLL;
    }

    /** {@code bootstrap} with {@code SO_REUSEPORT} set on the socket before it binds (epoll only). */
    static Bootstrap withReusePort(Bootstrap bootstrap) {
        return bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
    }

    static String describe() {
        return EPOLL ? "epoll with UDP GSO" : "NIO";
    }
}
