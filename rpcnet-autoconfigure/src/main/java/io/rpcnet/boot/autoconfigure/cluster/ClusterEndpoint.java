package io.rpcnet.boot.autoconfigure.cluster;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.registry.WorkerRegistry;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import java.util.List;
import java.util.Map;

/**
 * Actuator endpoint {@code rpccluster}: every member the director knows with status, phi, tags, load and
 * incarnation, the load-balancing strategy in use, and whether a partition is suspected. Read-only.
 */
@Endpoint(id = "rpccluster")
public class ClusterEndpoint {

    private final WorkerRegistry registry;

    public ClusterEndpoint(WorkerRegistry registry) {
        this.registry = registry;
    }

    @ReadOperation
    public ClusterDescriptor cluster() {
        return new ClusterDescriptor(registry.strategyName(), registry.isPartitioned(),
                registry.members().stream().map(ClusterEndpoint::describe).toList());
    }

    @ReadOperation
    public MemberDescriptor member(@Selector String memberId) {
        return registry.members().stream().filter(m -> m.id().value().equals(memberId)).findFirst()
                .map(ClusterEndpoint::describe).orElse(null);
    }

    private static MemberDescriptor describe(Member m) {
        return new MemberDescriptor(m.id().value(), m.address(), m.status().name(), round(m.phi()), m.tags(),
                m.load().activeSessions(), m.load().inFlightCalls(), m.incarnation(), m.weight());
    }

    private static double round(double phi) {
        return Double.isFinite(phi) ? Math.round(phi * 100) / 100.0 : phi;
    }

    /** The whole cluster as the director sees it. */
    public record ClusterDescriptor(String loadBalancing, boolean partitioned, List<MemberDescriptor> members) {
    }

    /** One member. */
    public record MemberDescriptor(String id, String address, String status, double phi, Map<String, String> tags,
                                   long activeSessions, long inFlightCalls, long incarnation, int weight) {
    }
}
