package io.rpcnet.boot.autoconfigure.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.registry.WorkerRegistry;

import java.util.Locale;

/**
 * Cluster metrics: gauge {@code rpcnet.cluster.members} tagged by status and counters
 * {@code rpcnet.cluster.failures} (workers detected FAILED) and {@code rpcnet.cluster.partitions}.
 */
public final class ClusterMetrics implements MeterBinder {

    private final WorkerRegistry registry;

    public ClusterMetrics(WorkerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        for (MemberStatus status : MemberStatus.values()) {
            Gauge.builder("rpcnet.cluster.members", registry,
                            r -> r.members().stream().filter(m -> m.status() == status).count())
                    .tag("status", status.name().toLowerCase(Locale.ROOT))
                    .description("Cluster members by status").register(meters);
        }
        Counter failures = Counter.builder("rpcnet.cluster.failures")
                .description("Workers detected as FAILED").register(meters);
        Counter partitions = Counter.builder("rpcnet.cluster.partitions")
                .description("Partitions detected").register(meters);
        registry.subscribe(event -> {
            if (event.type() == ClusterEvent.Type.FAILED) {
                failures.increment();
            } else if (event.type() == ClusterEvent.Type.PARTITION_DETECTED) {
                partitions.increment();
            }
        });
    }
}
