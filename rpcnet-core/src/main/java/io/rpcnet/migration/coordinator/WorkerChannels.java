package io.rpcnet.migration.coordinator;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.migration.wire.MigrationProtocol;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.TransportSettings;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The coordinator's control connections to workers: one {@link RpcClient} per worker (replaced when the
 * worker's address changes), through which it calls {@link MigrationProtocol}. Separate from the gateway's
 * data connections so that a migration's bulk state transfer never queues behind client calls.
 */
final class WorkerChannels implements AutoCloseable {

    private record Channel(String address, RpcClient client) {
    }

    private final ClientTls tls;
    private final TransportSettings settings;
    private final Executor callbacks;
    private final Map<MemberId, Channel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    WorkerChannels(ClientTls tls, TransportSettings settings, Executor callbacks) {
        this.tls = tls;
        this.settings = settings;
        this.callbacks = callbacks;
    }

    /** The migration service of {@code worker}, each call bounded by {@code timeout}. */
    MigrationProtocol protocol(Member worker, Duration timeout) {
        return client(worker).proxy(MigrationProtocol.class, CallOptions.DEFAULT.withTimeout(timeout));
    }

    private RpcClient client(Member worker) {
        if (closed) {
            throw new IllegalStateException("coordinator closed");
        }
        Channel c = channels.get(worker.id());
        if (c != null && c.address().equals(worker.address())) {
            return c.client();
        }
        RpcClient[] stale = new RpcClient[1];
        Channel fresh = channels.compute(worker.id(), (id, current) -> {
            if (current != null && current.address().equals(worker.address())) {
                return current;
            }
            if (current != null) {
                stale[0] = current.client();
            }
            return new Channel(worker.address(), build(worker));
        });
        if (stale[0] != null) {
            stale[0].close();
        }
        return fresh.client();
    }

    private RpcClient build(Member worker) {
        return RpcClient.builder().target(worker.host(), worker.port()).tls(tls).settings(settings)
                .callbackExecutor(callbacks).build();
    }

    /** Drops the channel of a worker that left or failed. */
    void forget(MemberId worker) {
        Channel c = channels.remove(worker);
        if (c != null) {
            c.client().close();
        }
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(c -> c.client().close());
        channels.clear();
    }
}
