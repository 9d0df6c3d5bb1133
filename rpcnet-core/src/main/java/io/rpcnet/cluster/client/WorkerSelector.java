package io.rpcnet.cluster.client;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.balance.Candidates;
import io.rpcnet.cluster.balance.LoadBalancer;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Chooses the worker of one attempt: the registry's own selection (its strategy, its live load counters) when
 * that worker is usable, otherwise the same strategy over the usable subset. Usable = ALIVE, matching the filter,
 * not already tried by this call, and its circuit breaker grants a permission. When every untried worker is
 * unusable, workers this call already tried are considered again (their breakers permitting).
 */
final class WorkerSelector {

    /** Distinct subsets whose prepared selectors are kept; beyond this the cache starts over. */
    private static final int MAX_SUBSETS = 256;

    private final WorkerRegistry registry;
    private final LoadBalancer balancer;
    private final WorkerBreakers breakers;
    private final ConcurrentHashMap<SubsetKey, LoadBalancer.Selector> subsets = new ConcurrentHashMap<>();

    WorkerSelector(WorkerRegistry registry, WorkerBreakers breakers) {
        this.registry = registry;
        this.balancer = registry.config().balancer();
        this.breakers = breakers;
    }

    /** A worker and its breaker, whose permission the caller now holds. */
    record Selected(Member member, CircuitBreaker breaker) {
    }

    /**
     * @param tried workers this call already attempted (avoided while others are usable)
     * @throws RpcException UNAVAILABLE, not processed, naming the filter, when no worker is usable
     */
    Selected select(TagFilter filter, Set<MemberId> tried, String method) {
        Optional<Member> first = registry.select(filter);
        if (first.isEmpty()) {
            throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE,
                    "no ALIVE worker matches " + describe(filter) + " (call " + method + ")"));
        }
        Member chosen = first.get();
        MemberId refused = null;
        if (!tried.contains(chosen.id())) {
            CircuitBreaker breaker = breakers.of(chosen.id());
            if (breaker.tryAcquirePermission()) {
                return new Selected(chosen, breaker);
            }
            refused = chosen.id();
        }
        List<Member> alive = registry.alive(filter);
        MemberId skip = refused;
        List<MemberId> open = new ArrayList<>();
        Selected s = pick(filter, alive, m -> !tried.contains(m.id()) && !m.id().equals(skip), open);
        if (s == null && !tried.isEmpty()) {
            s = pick(filter, alive, m -> tried.contains(m.id()), open);
        }
        if (s != null) {
            return s;
        }
        if (refused != null && !open.contains(refused)) {
            open.add(refused);
        }
        if (alive.isEmpty()) {
            throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE,
                    "no ALIVE worker matches " + describe(filter) + " (call " + method + ")"));
        }
        open.sort(null);
        throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "no worker available for "
                + describe(filter) + " (call " + method + "): " + alive.size() + " ALIVE worker"
                + (alive.size() == 1 ? " matches" : "s match") + " but the circuit breaker of " + open
                + " is open"));
    }

    /** How a filter reads in messages. */
    static String describe(TagFilter filter) {
        return filter.isAny() ? "any tags (no filter)" : "tag filter [" + filter + "]";
    }

    private Selected pick(TagFilter filter, List<Member> alive, Predicate<Member> eligible, List<MemberId> open) {
        List<Member> pool = new ArrayList<>(alive.size());
        for (Member m : alive) {
            if (eligible.test(m)) {
                pool.add(m);
            }
        }
        while (!pool.isEmpty()) {
            int index = pool.size() == 1 ? 0 : selector(filter, pool).select();
            Member m = pool.get(index);
            CircuitBreaker breaker = breakers.of(m.id());
            if (breaker.tryAcquirePermission()) {
                return new Selected(m, breaker);
            }
            open.add(m.id());
            pool.remove(index);
        }
        return null;
    }

    private LoadBalancer.Selector selector(TagFilter filter, List<Member> pool) {
        List<MemberId> ids = new ArrayList<>(pool.size());
        List<Integer> weights = new ArrayList<>(pool.size());
        for (Member m : pool) {
            ids.add(m.id());
            weights.add(m.weight());
        }
        SubsetKey key = new SubsetKey(filter, ids, weights);
        LoadBalancer.Selector selector = subsets.get(key);
        if (selector == null) {
            if (subsets.size() >= MAX_SUBSETS) {
                subsets.clear();
            }
            Member[] members = pool.toArray(new Member[0]);
            selector = subsets.computeIfAbsent(key, k -> balancer.prepare(new Subset(members, registry)));
        }
        return selector;
    }

    private record SubsetKey(TagFilter filter, List<MemberId> ids, List<Integer> weights) {
    }

    /** Candidates over a subset of the ALIVE workers; load is read live from the registry. */
    private static final class Subset implements Candidates {
        private final Member[] members;
        private final WorkerRegistry registry;
        private final boolean uniform;

        Subset(Member[] members, WorkerRegistry registry) {
            this.members = members;
            this.registry = registry;
            boolean same = true;
            for (Member m : members) {
                same &= m.weight() == members[0].weight();
            }
            this.uniform = same;
        }

        @Override
        public int size() {
            return members.length;
        }

        @Override
        public Member member(int index) {
            return members[index];
        }

        @Override
        public int weight(int index) {
            return members[index].weight();
        }

        @Override
        public long load(int index) {
            return Math.max(0, registry.effectiveLoad(members[index].id()));
        }

        @Override
        public boolean uniformWeights() {
            return uniform;
        }
    }
}
