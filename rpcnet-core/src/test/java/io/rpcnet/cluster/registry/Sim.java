package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberUpdate;

import java.util.Map;

/** Simulated-time helpers: all registry tests pass explicit nanos, so nothing sleeps. */
final class Sim {

    static final long MS = 1_000_000L;

    private Sim() {
    }

    static MemberUpdate worker(String id, long incarnation, Map<String, String> tags) {
        return MemberUpdate.builder(id, id + ".local:7000").incarnation(incarnation).tags(tags).build();
    }

    static MemberUpdate worker(String id, long incarnation) {
        return worker(id, incarnation, Map.of("role", "worker"));
    }

    static MemberUpdate withLoad(MemberUpdate u, int sessions, int calls) {
        return u.toBuilder().load(MemberLoad.of(sessions, calls)).build();
    }
}
