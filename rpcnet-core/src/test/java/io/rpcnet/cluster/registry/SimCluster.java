package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.rpcnet.cluster.registry.Sim.MS;

/**
 * A director's registry plus simulated workers beating every 500 ms (each with its own phase), evaluated
 * every 100 ms; time advances only when the test says so.
 */
final class SimCluster {

    final WorkerRegistry registry;
    final EventRecorder events = new EventRecorder();
    private final Map<String, long[]> running = new LinkedHashMap<>(); // id -> {incarnation, nextBeatNanos}
    long now;
    private long nextTick;

    SimCluster(RegistryConfig config) {
        registry = new WorkerRegistry(config);
        registry.subscribe(events);
    }

    SimCluster() {
        this(RegistryConfig.DEFAULT);
    }

    /** Starts (or restarts with {@code incarnation}) a worker that joins now and beats from then on. */
    SimCluster start(String id, long incarnation, long phaseMs) {
        registry.upsert(Sim.worker(id, incarnation), now);
        running.put(id, new long[] {incarnation, now + phaseMs * MS + 500 * MS});
        return this;
    }

    SimCluster start(String... ids) {
        for (int i = 0; i < ids.length; i++) {
            start(ids[i], 1, i * 37L % 500);
        }
        return this;
    }

    /** The worker stops beating (crash or partition) without leaving. */
    void silence(String... ids) {
        for (String id : ids) {
            running.remove(id);
        }
    }

    /** Advances simulated time, delivering heartbeats and evaluation ticks in time order. */
    void advance(long millis) {
        long end = now + millis * MS;
        while (true) {
            long next = nextTick;
            for (long[] w : running.values()) {
                next = Math.min(next, w[1]);
            }
            if (next > end) {
                break;
            }
            now = next;
            for (Map.Entry<String, long[]> e : running.entrySet()) {
                long[] w = e.getValue();
                if (w[1] == now) {
                    registry.heartbeat(MemberId.of(e.getKey()), w[0], MemberLoad.ZERO, now);
                    w[1] += 500 * MS;
                }
            }
            if (nextTick == now) {
                registry.evaluate(now);
                nextTick += 100 * MS;
            }
        }
        now = end;
    }
}
