package io.rpcnet.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.internal.PlatformDependent;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Frames from any thread, written by the connection's event loop. Producers encode on their own thread
 * and enqueue; one task per burst drains the queue and writes each stream's frames as one buffer, so many
 * calls share datagrams instead of each sending its own (the throughput lever measured in STACK.md).
 */
final class OutboundQueue implements Runnable {

    /** One encoded frame (or several) for a stream. */
    record Item(StreamContext stream, ByteBuf frames, CallBase call, boolean endsCall, boolean fin) {
    }

    private final EventLoop eventLoop;
    private final Queue<Item> queue = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Set once the event loop refused a run: it is shut down, so nothing will ever write what is queued. */
    private volatile boolean stopped;
    /** What each stream gets in this run: an item's own buffer, or (from a second item on) one of {@link #merged}. */
    private final Map<StreamContext, ByteBuf> batch = new IdentityHashMap<>();
    private final Map<StreamContext, CompositeByteBuf> merged = new IdentityHashMap<>();
    private final List<Item> completed = new ArrayList<>();
    /** Counts the queue's runs: frames enqueued between two runs go out in the same write. */
    private volatile int generation;

    OutboundQueue(EventLoop eventLoop) {
        this.eventLoop = eventLoop;
    }

    /**
     * Queues frames for the next run. If the event loop is already shut down (the connection's client closed
     * while this thread encoded), the frames are released, never stranded, and the caller learns the frames
     * were not sent.
     *
     * @throws RpcException UNAVAILABLE, not processed, if the event loop is shut down
     */
    void enqueue(Item item) {
        queue.offer(item);
        if (stopped) {
            discardQueued();
            throw notSent();
        }
        if (scheduled.compareAndSet(false, true)) {
            try {
                eventLoop.execute(this);
            } catch (RejectedExecutionException e) {
                stopped = true;
                discardQueued();
                throw notSent();
            }
        }
    }

    /**
     * Only once the event loop refused a run. Synchronized with {@link #run()}, which a shutting-down loop may
     * still be finishing, so the queue keeps a single consumer at a time.
     */
    private synchronized void discardQueued() {
        Item item;
        while ((item = queue.poll()) != null) {
            item.frames().release();
        }
    }

    private static RpcException notSent() {
        return new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE,
                "the connection's I/O thread has shut down; the frames were not sent"));
    }

    /**
     * Which run the frames enqueued now will go out with. Every stream written costs its own packets (the QUIC
     * codec sends after each stream write outside a read), so callers pick streams by it to keep a burst on one.
     */
    int generation() {
        return generation;
    }

    @Override
    public synchronized void run() {
        generation++; // only the event loop writes it
        scheduled.set(false);
        Item item;
        while ((item = queue.poll()) != null) {
            ByteBuf first = batch.putIfAbsent(item.stream(), item.frames());
            if (first != null) {
                CompositeByteBuf all = merged.get(item.stream());
                if (all == null) {
                    all = item.stream().channel().alloc().compositeDirectBuffer(64).addComponent(true, first);
                    merged.put(item.stream(), all);
                    batch.put(item.stream(), all);
                }
                all.addComponent(true, item.frames());
            }
            if (item.fin()) {
                item.stream().finishOutputNow();
            }
            if (item.call() != null) {
                item.call().onDequeued(item.frames().readableBytes());
                if (item.endsCall()) {
                    completed.add(item);
                }
            }
        }
        for (Item done : completed) {
            done.stream().onCallEnded(done.call());
        }
        completed.clear();
        for (Map.Entry<StreamContext, ByteBuf> e : batch.entrySet()) {
            write(e.getKey(), e.getValue());
        }
        batch.clear();
        merged.clear();
    }

    private static void write(StreamContext stream, ByteBuf payload) {
        QuicStreamChannel channel = stream.channel();
        if (!channel.isActive() || stream.isOutputClosed()) {
            payload.release();
            return;
        }
        if (stream.shouldFinishOutput()) {
            stream.markOutputClosed();
            DefaultQuicStreamFrame last = new DefaultQuicStreamFrame(payload, true);
            if (channel.isInputShutdown()) {
                // nothing more comes in (e.g. we stopped reading a malformed stream): Netty closes a stream only
                // after reading the peer's FIN too, so close it once our FIN is out
                channel.writeAndFlush(last).addListener(f -> channel.close());
            } else {
                channel.writeAndFlush(last, channel.voidPromise());
            }
        } else {
            channel.writeAndFlush(payload, channel.voidPromise());
        }
    }
}
