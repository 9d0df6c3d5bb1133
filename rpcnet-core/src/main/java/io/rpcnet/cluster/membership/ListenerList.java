package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEventListener;
import io.rpcnet.cluster.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** Listeners of the worker-side view; events are delivered one at a time, in the order they are emitted. */
final class ListenerList {

    private static final Logger log = LoggerFactory.getLogger(ListenerList.class);

    private final CopyOnWriteArrayList<ClusterEventListener> listeners = new CopyOnWriteArrayList<>();

    Subscription subscribe(ClusterEventListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    synchronized void emit(ClusterEvent event) {
        for (ClusterEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("cluster event listener {} failed on {}", l, event, e);
            }
        }
    }
}
