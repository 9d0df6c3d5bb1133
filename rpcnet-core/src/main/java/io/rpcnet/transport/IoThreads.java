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
 * them; {@link #close()} does, after the endpoints are closed.
 */
public final class IoThreads implements AutoCloseable {

    private final EventLoopGroup group;

    private IoThreads(EventLoopGroup group) {
        this.group = group;
    }

    /** {@code threads} I/O threads named {@code name-...}; 0 means one per core. */
    public static IoThreads create(int threads, String name) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new IoThreads(DatagramIo.newGroup(n, name));
    }

    EventLoopGroup group() {
        return group;
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
