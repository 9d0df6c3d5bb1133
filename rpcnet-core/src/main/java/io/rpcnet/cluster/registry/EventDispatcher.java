package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEventListener;
import io.rpcnet.cluster.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivers events in the order they were enqueued, one at a time, never while the registry lock is held.
 * Events are enqueued under the lock (which fixes their order); whichever thread then finds delivery idle
 * drains the queue. A listener that changes the registry re-entrantly just enqueues more events, delivered
 * after the current one.
 */
final class EventDispatcher {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final CopyOnWriteArrayList<ClusterEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Queue<ClusterEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();

    Subscription subscribe(ClusterEventListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Call under the registry lock. */
    void enqueue(ClusterEvent event) {
        queue.add(event);
    }

    /** Call after releasing the registry lock. */
    void drain() {
        while (!queue.isEmpty() && delivering.compareAndSet(false, true)) {
            try {
                ClusterEvent event;
                while ((event = queue.poll()) != null) {
                    deliver(event);
                }
            } finally {
                delivering.set(false);
            }
        }
    }

    private void deliver(ClusterEvent event) {
        for (ClusterEventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("cluster event listener {} failed on {}", listener, event, e);
            }
        }
    }
}
