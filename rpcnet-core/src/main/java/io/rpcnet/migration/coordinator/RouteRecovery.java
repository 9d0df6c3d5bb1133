package io.rpcnet.migration.coordinator;

import io.rpcnet.cluster.Member;
import io.rpcnet.director.RoutingTable;
import io.rpcnet.migration.token.MigrationTokenManager;
import io.rpcnet.migration.wire.MigrationProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Rebuilds the director's routes from a worker when it joins: workers are the authority on the sessions
 * they hold, so a restarted director (empty table) learns every live session again and the sessions'
 * calls keep reaching their owners. Only adds or advances routes ({@link RoutingTable#assignIfNotOlder}), so
 * it never undoes a session announced or moved while the list was in flight.
 */
final class RouteRecovery {

    private static final Logger log = LoggerFactory.getLogger(RouteRecovery.class);

    private final WorkerChannels channels;
    private final MigrationTokenManager tokens;
    private final RoutingTable routes;
    private final Duration timeout;

    RouteRecovery(WorkerChannels channels, MigrationTokenManager tokens, RoutingTable routes, Duration timeout) {
        this.channels = channels;
        this.tokens = tokens;
        this.routes = routes;
        this.timeout = timeout;
    }

    /** Asks {@code worker} for its sessions and routes them to it; returns how many routes changed. */
    int recover(Member worker) {
        String requestId = "routes-" + UUID.randomUUID();
        String token = tokens.issue(requestId, "*", worker.id().value(), MigrationProtocol.DIRECTOR_TARGET,
                timeout.plusSeconds(5)).value();
        Map<String, Long> held = channels.protocol(worker, timeout).listSessions(
                new MigrationProtocol.ListSessions(requestId, worker.id().value(), token)).sessions();
        int changed = 0;
        for (Map.Entry<String, Long> e : held.entrySet()) {
            RoutingTable.Route before = routes.route(e.getKey()).orElse(null);
            if (routes.assignIfNotOlder(e.getKey(), worker.id(), e.getValue())
                    && !new RoutingTable.Route(worker.id(), e.getValue()).equals(before)) {
                changed++;
            }
        }
        if (changed > 0) {
            log.info("routes of {} session(s) recovered from worker {} ({} held there)", changed, worker.id(),
                    held.size());
        }
        return changed;
    }
}
