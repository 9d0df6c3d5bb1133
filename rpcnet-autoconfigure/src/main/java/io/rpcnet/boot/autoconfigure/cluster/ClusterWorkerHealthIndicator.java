package io.rpcnet.boot.autoconfigure.cluster;

import io.rpcnet.cluster.membership.WorkerMembershipAgent;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** Health {@code cluster} on a worker: UP while at least one director has accepted it. */
public final class ClusterWorkerHealthIndicator extends AbstractHealthIndicator {

    private final ClusterWorkerLifecycle lifecycle;

    public ClusterWorkerHealthIndicator(ClusterWorkerLifecycle lifecycle) {
        super("RpcNet cluster health check failed");
        this.lifecycle = lifecycle;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        WorkerMembershipAgent agent = lifecycle.agent();
        if (agent == null) {
            builder.down().withDetail("reason", "not started");
            return;
        }
        (agent.isJoined() ? builder.up() : builder.down().withDetail("reason", "no director has accepted this worker"))
                .withDetail("memberId", agent.localMember().value())
                .withDetail("address", agent.address())
                .withDetail("incarnation", agent.incarnation())
                .withDetail("directors", agent.members().stream().map(m -> m.id().value() + " " + m.status()).toList());
    }
}
