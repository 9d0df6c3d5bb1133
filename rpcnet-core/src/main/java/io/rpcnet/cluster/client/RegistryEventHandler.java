package io.rpcnet.cluster.client;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEventListener;
import io.rpcnet.cluster.MemberId;

/**
 * Keeps a {@link ClusterClient}'s worker clients and circuit breakers in step with its registry: a worker reported
 * FAILED or LEFT, or whose address changed, gets no new calls and its client is retired; LEFT also drops its
 * breaker; RECOVERED and JOINED workers start with a reset breaker. Its own class so the client keeps its public
 * API and wiring.
 */
final class RegistryEventHandler implements ClusterEventListener {

    private final WorkerChannels channels;
    private final WorkerBreakers breakers;

    RegistryEventHandler(WorkerChannels channels, WorkerBreakers breakers) {
        this.channels = channels;
        this.breakers = breakers;
    }

    @Override
    public void onEvent(ClusterEvent event) {
        MemberId id = event.memberId();
        if (id == null) {
            return;
        }
        switch (event.type()) {
            case FAILED -> channels.retire(id);
            case LEFT -> {
                channels.retire(id);
                breakers.remove(id);
            }
            case RECOVERED, JOINED -> breakers.reset(id);
            case TAGS_UPDATED -> {
                WorkerChannel current = channels.current(id);
                if (current != null && !current.address.equals(event.member().address())) {
                    channels.retire(id);
                }
            }
            default -> {
            }
        }
    }
}
