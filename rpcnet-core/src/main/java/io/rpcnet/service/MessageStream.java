package io.rpcnet.service;

import io.rpcnet.codec.MessageCodec;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.transport.InboundMessage;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Received messages of one call, consumed by a blocking iterator (the {@code Stream<Q>} a client-streaming
 * handler reads). Holds at most {@code capacity} undecoded messages; beyond that the transport stops
 * reading the call's stream, so a slow consumer slows the sender instead of filling memory.
 */
public final class MessageStream<T> implements Iterator<T> {

    private final MessageCodec<Object> codec;
    private final InboundFlow flow;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<InboundMessage> queue = new ArrayDeque<>();
    private boolean ended;
    private Status failure;
    private boolean paused;
    private boolean closed;

    public MessageStream(MessageCodec<Object> codec, InboundFlow flow, int capacity) {
        this.codec = codec;
        this.flow = flow;
        this.capacity = capacity;
    }

    /** Transport side: one more message. */
    public void add(InboundMessage message) {
        lock.lock();
        try {
            if (closed || ended || failure != null) {
                message.release();
                return;
            }
            queue.add(message);
            if (queue.size() >= capacity && !paused) {
                paused = true;
                flow.pause();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Transport side: the sender finished. */
    public void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Transport side: the call failed; readers get the status as an {@link RpcException}. */
    public void fail(Status status) {
        lock.lock();
        try {
            if (failure == null) {
                failure = status;
            }
            releaseQueued();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean hasNext() {
        lock.lock();
        try {
            while (queue.isEmpty() && !ended && failure == null) {
                changed.await();
            }
            if (failure != null) {
                throw failure.asException();
            }
            return !queue.isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(StatusCode.CANCELLED, "interrupted while waiting for the next message");
        } finally {
            lock.unlock();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T next() {
        InboundMessage message;
        lock.lock();
        try {
            if (!hasNext()) {
                throw new NoSuchElementException("the stream has ended");
            }
            message = queue.poll();
            if (paused && queue.size() <= capacity / 2) {
                paused = false;
                flow.resume();
            }
        } finally {
            lock.unlock();
        }
        try {
            return (T) codec.read(message.stream(), message.size());
        } catch (IOException e) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "cannot decode stream message: " + e.getMessage());
        } finally {
            message.release();
        }
    }

    /** Consumer side: done reading; anything still queued or arriving is released. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            releaseQueued();
        } finally {
            lock.unlock();
        }
    }

    public Stream<T> asStream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false)
                .onClose(this::close);
    }

    private void releaseQueued() {
        InboundMessage m;
        while ((m = queue.poll()) != null) {
            m.release();
        }
    }
}
