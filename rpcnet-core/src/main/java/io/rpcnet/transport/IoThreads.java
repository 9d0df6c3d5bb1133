package io.rpcnet.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * I/O threads that several endpoints share, so that one process's server and client connections run on
 * the same threads: a forwarding proxy (the director) then passes a call from the connection it arrived on
 * to the one it leaves by without handing it to another thread. Endpoints given shared threads do not stop
 * them; {@link #close()} does, after the endpoints are closed. A server endpoint on these threads listens on
 * one socket per thread (epoll, {@code SO_REUSEPORT}), so its connections spread over all of them.
 *
 * <p>They also decide how many datagrams an endpoint reads before the frames they produced are written.
 * An endpoint that answers calls reads a burst ({@value #BURST_DATAGRAMS_PER_READ}) and answers it in as
 * few packets as it can. A forwarding hop reads one datagram and passes its calls on before reading the next
 * ({@link #forwarding}): while it works on the rest of a burst the next hop already runs the first calls,
 * instead of every hop of the path waiting for the whole burst in turn.
 */
public final class IoThreads implements AutoCloseable {

    /** Datagrams an endpoint reads per socket read event before its output goes out (Netty's default). */
    static final int BURST_DATAGRAMS_PER_READ = 16;

    private final EventLoopGroup group;
    private final int datagramsPerRead;

    private IoThreads(EventLoopGroup group, int datagramsPerRead) {
        this.group = group;
        this.datagramsPerRead = datagramsPerRead;
    }

    /** {@code threads} I/O threads named {@code name-...}; 0 means one per core. */
    public static IoThreads create(int threads, String name) {
        return new IoThreads(DatagramIo.newGroup(count(threads), name), BURST_DATAGRAMS_PER_READ);
    }

    /**
     * I/O threads for a forwarding proxy: its endpoints pass each datagram's calls on before reading the next
     * one (cut-through), which keeps the hop's added latency to one datagram's work.
     */
    public static IoThreads forwarding(int threads, String name) {
        return new IoThreads(DatagramIo.newGroup(count(threads), name), 1);
    }

    /** {@code threads}, or one per core for 0. */
    static int count(int threads) {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    EventLoopGroup group() {
        return group;
    }

    /** Datagrams an endpoint on these threads reads before writing what they produced. */
    int datagramsPerRead() {
        return datagramsPerRead;
    }

    /** {@code preferred} when it is one of these threads, else the next one in turn. */
    EventLoop loopFor(Executor preferred) {
        if (preferred != null) {
            for (EventExecutor e : group) {
                if (e == preferred) {
                    return (EventLoop) e;
                }
            }
        }
        return group.next();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
