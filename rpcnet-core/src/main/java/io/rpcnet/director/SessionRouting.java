package io.rpcnet.director;

import io.rpcnet.cluster.MemberId;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;
import io.rpcnet.session.Moved;
import io.rpcnet.session.SessionTrailers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the end of a forwarded call teaches the {@link RoutingTable}: a session the worker announced in its
 * STATUS trailers, or where a session the worker answered MOVED for lives now. Kept out of
 * {@link ForwardedCall} so the call's own state machine stays small.
 */
final class SessionRouting {

    private static final Logger log = LoggerFactory.getLogger(SessionRouting.class);

    private SessionRouting() {
    }

    /** Routes a session the worker announced ({@link SessionTrailers}) to it before the client hears of it. */
    static void recordAnnounced(RoutingTable table, MemberId worker, String method, Metadata trailers) {
        SessionTrailers.sessionId(trailers).ifPresent(id -> {
            if (table.assignIfNotOlder(id, worker, SessionTrailers.epoch(trailers, 1))) {
                log.debug("session {} opened on {} by {}", id, worker, method);
            }
        });
    }

    /**
     * Where a MOVED session lives now: the routing table if it already knows, else the worker's answer (which
     * the table then records); {@code null} when nobody names another owner.
     */
    static MemberId movedTarget(RoutingTable table, String sessionId, MemberId worker, Status status,
                                Metadata trailers) {
        RoutingTable.Route route = table.route(sessionId).orElse(null);
        if (route != null && !route.owner().equals(worker)) {
            return route.owner();
        }
        MemberId named = Moved.newOwner(status, trailers).orElse(null);
        if (named == null || named.equals(worker)) {
            return null;
        }
        if (route != null) {
            table.switchOwner(sessionId, worker, route.epoch(), named);
        }
        return named;
    }
}
