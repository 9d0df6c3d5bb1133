package io.rpcnet.director;

import io.rpcnet.cluster.MemberId;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The director's session routes: session id → (owner, epoch). Thread-safe; every update is atomic per
 * session. Workers are the authority on the sessions they hold, so a restarted director rebuilds the table
 * from their reports ({@link #rebuild}).
 */
public final class RoutingTable {

    /** Where a session lives: its owner and the epoch of that ownership (bumped on every move). */
    public record Route(MemberId owner, long epoch) {
        public Route {
            Objects.requireNonNull(owner, "owner");
            if (epoch < 0) {
                throw new IllegalArgumentException("epoch must be >= 0: " + epoch);
            }
        }
    }

    private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();

    /** The session's route, or empty when the director knows no such session. */
    public Optional<Route> route(String sessionId) {
        return sessionId == null ? Optional.empty() : Optional.ofNullable(routes.get(sessionId));
    }

    /** Sets the session's route (a new session, or an authoritative correction); returns the previous one. */
    public Optional<Route> assign(String sessionId, MemberId owner, long epoch) {
        Objects.requireNonNull(sessionId, "sessionId");
        return Optional.ofNullable(routes.put(sessionId, new Route(owner, epoch)));
    }

    /**
     * Records a session a worker announced, unless the table already routes it at a higher epoch (a newer
     * owner); atomic. Returns whether the route was recorded.
     */
    public boolean assignIfNotOlder(String sessionId, MemberId owner, long epoch) {
        Objects.requireNonNull(sessionId, "sessionId");
        AtomicBoolean recorded = new AtomicBoolean();
        routes.compute(sessionId, (id, current) -> {
            if (current != null && current.epoch() > epoch) {
                return current;
            }
            recorded.set(true);
            return new Route(owner, epoch);
        });
        return recorded.get();
    }

    /**
     * Moves the session to {@code newOwner} if it is still owned by {@code expectedOwner} at
     * {@code expectedEpoch} (compare-and-set); the epoch becomes {@code expectedEpoch + 1}.
     *
     * @return the new route, or empty if the session is unknown or its route changed meanwhile
     */
    public Optional<Route> switchOwner(String sessionId, MemberId expectedOwner, long expectedEpoch,
                                       MemberId newOwner) {
        Objects.requireNonNull(newOwner, "newOwner");
        Route expected = new Route(expectedOwner, expectedEpoch);
        Route next = new Route(newOwner, expectedEpoch + 1);
        return routes.replace(sessionId, expected, next) ? Optional.of(next) : Optional.empty();
    }

    /** Forgets the session (closed or lost); returns whether it was known. */
    public boolean remove(String sessionId) {
        return routes.remove(sessionId) != null;
    }

    /** Forgets the session only if its route is still {@code expected}. */
    public boolean remove(String sessionId, Route expected) {
        return routes.remove(sessionId, expected);
    }

    /** Forgets every session owned by {@code owner} (a crashed worker); returns how many. */
    public int removeOwner(MemberId owner) {
        int[] removed = {0};
        routes.forEach((id, route) -> {
            if (route.owner().equals(owner) && routes.remove(id, route)) {
                removed[0]++;
            }
        });
        return removed[0];
    }

    /**
     * Applies one worker's report of the sessions it holds (session id → epoch). A reported session is
     * routed to {@code owner} unless the table already has it at a higher epoch (or at the same epoch on
     * another owner: ties keep the current route). Sessions the table routes to {@code owner} that the
     * report no longer lists are forgotten, at their current epoch only.
     *
     * @return how many routes changed
     */
    public int rebuild(MemberId owner, Map<String, Long> sessions) {
        Objects.requireNonNull(owner, "owner");
        int changed = 0;
        for (Map.Entry<String, Long> e : sessions.entrySet()) {
            long epoch = e.getValue();
            Route reported = new Route(owner, epoch);
            AtomicBoolean updated = new AtomicBoolean();
            routes.compute(e.getKey(), (id, current) -> {
                if (current == null || epoch > current.epoch()) {
                    updated.set(!reported.equals(current));
                    return reported;
                }
                return current;
            });
            if (updated.get()) {
                changed++;
            }
        }
        for (Map.Entry<String, Route> e : routes.entrySet()) {
            Route route = e.getValue();
            if (route.owner().equals(owner) && !sessions.containsKey(e.getKey())
                    && routes.remove(e.getKey(), route)) {
                changed++;
            }
        }
        return changed;
    }

    /** Number of sessions routed. */
    public int size() {
        return routes.size();
    }

    /** A copy of every route. */
    public Map<String, Route> snapshot() {
        return Map.copyOf(new HashMap<>(routes));
    }

    /** How many sessions each owner holds. */
    public Map<MemberId, Integer> sessionsPerOwner() {
        Map<MemberId, Integer> counts = new HashMap<>();
        routes.values().forEach(r -> counts.merge(r.owner(), 1, Integer::sum));
        return counts;
    }
}
