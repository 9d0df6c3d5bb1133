package io.rpcnet.service;

import io.rpcnet.codec.MessageCodec;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.transport.InboundMessage;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Delivers received messages to a {@link StreamObserver} on an executor, one at a time and in order, never
 * on an I/O thread. More than {@code capacity} undelivered messages pause the transport until the observer
 * catches up. The terminal signal (completed or error) comes after every message.
 */
public final class ObserverDelivery<T> implements Runnable {

    private final Executor executor;
    private final MessageCodec<Object> codec;
    private final InboundFlow flow;
    private final int capacity;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Consumer<Status> onObserverFailure;
    private volatile StreamObserver<T> observer;
    private volatile boolean paused;
    private volatile boolean terminated;

    /**
     * @param onObserverFailure told when the observer itself throws or a message cannot be decoded, so the
     *                          call can be cancelled
     */
    public ObserverDelivery(Executor executor, MessageCodec<Object> codec, InboundFlow flow, int capacity,
                            Consumer<Status> onObserverFailure) {
        this.executor = executor;
        this.codec = codec;
        this.flow = flow;
        this.capacity = capacity;
        this.onObserverFailure = onObserverFailure;
    }

    /** Sets the observer; messages that arrived before are delivered now. */
    public void attach(StreamObserver<T> observer) {
        this.observer = observer;
        schedule();
    }

    public void add(InboundMessage message) {
        if (terminated) {
            message.release();
            return;
        }
        queue.add(message);
        if (pending.incrementAndGet() >= capacity && !paused) {
            updateFlow();
        }
        schedule();
    }

    public void complete() {
        queue.add(Status.OK);
        schedule();
    }

    public void fail(Status status) {
        queue.add(status);
        schedule();
    }

    /** Fails the stream with {@code status}; the observer's {@link RpcException} carries {@code trailers}. */
    public void fail(Status status, Metadata trailers) {
        queue.add(new RpcException(status, trailers));
        schedule();
    }

    /**
     * Pauses the transport above {@code capacity} undelivered messages and resumes at half of it. Decided
     * under a lock and re-checked after pausing, so a consumer that drains everything while the transport
     * is being paused cannot leave it paused forever.
     */
    private synchronized void updateFlow() {
        if (!paused && pending.get() >= capacity) {
            paused = true;
            flow.pause();
        }
        if (paused && pending.get() <= capacity / 2) {
            paused = false;
            flow.resume();
        }
    }

    private void schedule() {
        if (observer != null && running.compareAndSet(false, true)) {
            try {
                executor.execute(this);
            } catch (RuntimeException e) {
                running.set(false);
                drop(Status.of(StatusCode.RESOURCE_EXHAUSTED, "no thread to deliver messages: " + e));
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        try {
            Object item;
            while ((item = queue.poll()) != null) {
                if (item instanceof InboundMessage message) {
                    if (pending.decrementAndGet() <= capacity / 2 && paused) {
                        updateFlow();
                    }
                    if (terminated) {
                        message.release();
                        continue;
                    }
                    T value;
                    try {
                        value = (T) codec.read(message.stream(), message.size());
                    } catch (IOException e) {
                        terminate(Status.of(StatusCode.INVALID_ARGUMENT, "cannot decode stream message: "
                                + e.getMessage()), null, true);
                        continue;
                    } finally {
                        message.release();
                    }
                    try {
                        observer.onNext(value);
                    } catch (RuntimeException e) {
                        terminate(Status.of(StatusCode.CANCELLED, "stream observer failed: " + e), null, true);
                    }
                } else if (!terminated) {
                    if (item instanceof RpcException failure) {
                        terminate(failure.status(), failure, false);
                    } else {
                        terminate((Status) item, null, false);
                    }
                }
            }
        } finally {
            running.set(false);
        }
        if (!queue.isEmpty()) {
            schedule();
        }
    }

    private void terminate(Status status, RpcException failure, boolean observerFailed) {
        terminated = true;
        if (observerFailed) {
            onObserverFailure.accept(status);
        }
        try {
            if (status.isOk()) {
                observer.onCompleted();
            } else {
                observer.onError(failure != null ? failure : new RpcException(status));
            }
        } catch (RuntimeException ignored) {
            // the observer's own failure has nowhere further to go
        }
    }

    /** The call is over: queued and later messages are released without reaching the observer. */
    public void discard() {
        terminated = true;
        Object item;
        while ((item = queue.poll()) != null) {
            if (item instanceof InboundMessage m) {
                m.release();
            }
        }
    }

    private void drop(Status status) {
        discard();
        onObserverFailure.accept(status);
    }
}
