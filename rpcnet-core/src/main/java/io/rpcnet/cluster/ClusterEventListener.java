package io.rpcnet.cluster;

/**
 * Receives membership changes. Events are delivered one at a time, in order, on the thread that caused
 * them (a heartbeat, an evaluation tick, a leave): keep the work short or hand it off. An exception thrown
 * here is logged and does not stop delivery to other listeners.
 */
@FunctionalInterface
public interface ClusterEventListener {

    void onEvent(ClusterEvent event);
}
