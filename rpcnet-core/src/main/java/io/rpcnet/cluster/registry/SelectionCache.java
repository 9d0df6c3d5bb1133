package io.rpcnet.cluster.registry;

import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.balance.LoadBalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-filter candidate sets and prepared selectors, rebuilt lazily when the alive set changes. In the
 * steady state a selection is one map lookup, one identity check and the balancer's {@code select()}:
 * no filtering, no allocation.
 */
final class SelectionCache {

    /** The ALIVE, uncordoned members by id; a new instance whenever that set or their tags/weights change. */
    record AliveSet(MemberEntry[] entries) {
        static final AliveSet EMPTY = new AliveSet(new MemberEntry[0]);
    }

    /** Prepared selection for one filter over one alive set; {@code selector} is null if nothing matches. */
    record Prepared(AliveSet basis, CandidateSet candidates, LoadBalancer.Selector selector) {
    }

    /** Distinct filters kept; beyond this the cache is cleared (filters are normally a handful of constants). */
    private static final int MAX_FILTERS = 1024;

    private final LoadBalancer balancer;
    private final ConcurrentHashMap<TagFilter, Prepared> byFilter = new ConcurrentHashMap<>();
    private volatile AliveSet alive = AliveSet.EMPTY;

    SelectionCache(LoadBalancer balancer) {
        this.balancer = balancer;
    }

    /** Publishes a new alive set (call under the registry lock); prepared selections go stale. */
    void publish(AliveSet set) {
        alive = set;
    }

    AliveSet alive() {
        return alive;
    }

    Prepared prepared(TagFilter filter) {
        AliveSet current = alive;
        Prepared p = byFilter.get(filter);
        if (p != null && p.basis() == current) {
            return p;
        }
        return rebuild(filter, current);
    }

    private Prepared rebuild(TagFilter filter, AliveSet current) {
        if (byFilter.size() >= MAX_FILTERS) {
            byFilter.clear();
        }
        return byFilter.compute(filter, (f, old) -> old != null && old.basis() == current ? old : prepare(f, current));
    }

    private Prepared prepare(TagFilter filter, AliveSet set) {
        List<MemberEntry> matching = new ArrayList<>();
        for (MemberEntry e : set.entries()) {
            if (filter.matches(e.member.tags())) {
                matching.add(e);
            }
        }
        if (matching.isEmpty()) {
            return new Prepared(set, null, null);
        }
        CandidateSet candidates = new CandidateSet(matching.toArray(new MemberEntry[0]));
        return new Prepared(set, candidates, balancer.prepare(candidates));
    }
}
