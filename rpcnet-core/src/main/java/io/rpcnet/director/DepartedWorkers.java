package io.rpcnet.director;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEventListener;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.registry.WorkerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets the routes of a worker that crashed (FAILED) or left (LEFT): the state of its sessions is gone with
 * it, so their next calls get a clear SESSION_LOST from the gateway instead of failing to reach a dead
 * worker. A worker declared FAILED while the registry suspects a network partition may still be running with
 * its sessions, so its routes are kept; they are forgotten if it is still FAILED when the partition heals.
 */
final class DepartedWorkers implements ClusterEventListener {

    private static final Logger log = LoggerFactory.getLogger(DepartedWorkers.class);

    private final WorkerRegistry registry;
    private final RoutingTable routingTable;

    DepartedWorkers(WorkerRegistry registry, RoutingTable routingTable) {
        this.registry = registry;
        this.routingTable = routingTable;
    }

    @Override
    public void onEvent(ClusterEvent event) {
        switch (event.type()) {
            case FAILED -> {
                MemberId id = event.memberId();
                if (registry.isPartitioned()) {
                    log.warn("worker {} FAILED during a suspected network partition: its {} session(s) stay"
                            + " routed to it until the partition heals", id,
                            routingTable.sessionsPerOwner().getOrDefault(id, 0));
                } else {
                    forget(id, "FAILED");
                }
            }
            case LEFT -> forget(event.memberId(), "LEFT");
            case PARTITION_HEALED -> event.affected().forEach(m -> forget(m.id(), "still FAILED at partition heal"));
            default -> {
            }
        }
    }

    private void forget(MemberId worker, String why) {
        int lost = routingTable.removeOwner(worker);
        if (lost == 0) {
            log.debug("worker {} {} owning no session", worker, why);
        } else if (why.equals("LEFT")) {
            log.info("worker {} LEFT still owning {} session(s): they are lost; their next calls get SESSION_LOST",
                    worker, lost);
        } else {
            log.warn("worker {} {}: its {} session(s) are lost; their next calls get SESSION_LOST", worker, why, lost);
        }
    }
}
