package io.rpcnet.cluster.client;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.rpcnet.cluster.MemberId;

import java.util.concurrent.ConcurrentHashMap;

/** One circuit breaker per worker, named {@code <prefix><member id>} in a {@link CircuitBreakerRegistry}. */
final class WorkerBreakers {

    private final CircuitBreakerRegistry registry;
    private final CircuitBreakerConfig config;
    private final String prefix;
    private final ConcurrentHashMap<MemberId, CircuitBreaker> byId = new ConcurrentHashMap<>();

    WorkerBreakers(CircuitBreakerRegistry registry, CircuitBreakerConfig config, String prefix) {
        this.registry = registry;
        this.config = config;
        this.prefix = prefix;
    }

    CircuitBreaker of(MemberId id) {
        CircuitBreaker breaker = byId.get(id);
        return breaker != null ? breaker
                : byId.computeIfAbsent(id, key -> registry.circuitBreaker(prefix + key.value(), config));
    }

    /** The breaker if one was created. */
    CircuitBreaker find(MemberId id) {
        return byId.get(id);
    }

    /** A worker came back (new incarnation or recovered): forget its past failures. */
    void reset(MemberId id) {
        CircuitBreaker breaker = byId.get(id);
        if (breaker != null && breaker.getState() != CircuitBreaker.State.CLOSED) {
            breaker.reset();
        }
    }

    /** A worker left: drop its breaker (a new one is made if it joins again). */
    void remove(MemberId id) {
        CircuitBreaker breaker = byId.remove(id);
        if (breaker != null) {
            registry.remove(breaker.getName());
        }
    }

    CircuitBreakerRegistry registry() {
        return registry;
    }
}
