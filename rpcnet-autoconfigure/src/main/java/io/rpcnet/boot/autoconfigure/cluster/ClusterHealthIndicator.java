package io.rpcnet.boot.autoconfigure.cluster;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.registry.WorkerRegistry;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.util.EnumMap;
import java.util.Map;

/**
 * Health {@code cluster} on a director: UP with at least one ALIVE worker, OUT_OF_SERVICE while a
 * partition is suspected (failover is held back), DOWN with no live worker; member counts by status.
 */
public final class ClusterHealthIndicator extends AbstractHealthIndicator {

    private final WorkerRegistry registry;

    public ClusterHealthIndicator(WorkerRegistry registry) {
        super("RpcNet cluster health check failed");
        this.registry = registry;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<MemberStatus, Integer> counts = new EnumMap<>(MemberStatus.class);
        for (MemberStatus s : MemberStatus.values()) {
            counts.put(s, 0);
        }
        for (Member m : registry.members()) {
            counts.merge(m.status(), 1, Integer::sum);
        }
        if (registry.isPartitioned()) {
            builder.outOfService().withDetail("reason", "partition suspected: failover is held back");
        } else if (counts.get(MemberStatus.ALIVE) > 0) {
            builder.up();
        } else {
            builder.down().withDetail("reason", "no ALIVE worker");
        }
        counts.forEach((status, n) -> builder.withDetail(status.name().toLowerCase(java.util.Locale.ROOT), n));
        builder.withDetail("loadBalancing", registry.strategyName());
    }
}
