package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEvent.Type;
import io.rpcnet.cluster.ClusterEventListener;
import io.rpcnet.cluster.MemberId;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test listener that keeps every event. */
final class EventRecorder implements ClusterEventListener {

    final List<ClusterEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(ClusterEvent event) {
        events.add(event);
    }

    /** Events as {@code TYPE(id)} / {@code TYPE[ids]} strings, in order. */
    List<String> summary() {
        return events.stream().map(e -> e.member() == null
                ? e.type() + e.affected().stream().map(m -> m.id().value()).toList().toString()
                : e.type() + "(" + e.member().id() + ")").toList();
    }

    long count(Type type, String member) {
        return events.stream().filter(e -> e.type() == type && MemberId.of(member).equals(e.memberId())).count();
    }

    void clear() {
        events.clear();
    }
}
