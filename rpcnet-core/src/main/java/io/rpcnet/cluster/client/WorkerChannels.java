package io.rpcnet.cluster.client;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/** The per-worker clients of a {@link ClusterClient}: created lazily, reused, retired with their worker. */
final class WorkerChannels {

    private final WorkerClientFactory factory;
    private final CallOptions defaultOptions;
    private final Executor closer;
    private final ConcurrentHashMap<MemberId, WorkerChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    WorkerChannels(WorkerClientFactory factory, CallOptions defaultOptions, Executor closer) {
        this.factory = factory;
        this.defaultOptions = defaultOptions;
        this.closer = closer;
    }

    /**
     * The channel for {@code member}, created on first use or when the member's address changed, with one call
     * counted on it (release it with {@link WorkerChannel#release()}).
     *
     * @throws RpcException UNAVAILABLE, not processed, if the client is closed or the factory fails
     */
    WorkerChannel retain(Member member) {
        for (;;) {
            if (closed) {
                throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "cluster client is closed"));
            }
            WorkerChannel channel = channels.get(member.id());
            if (channel == null || channel.isRetired() || !channel.address.equals(member.address())) {
                channel = channels.compute(member.id(), (id, old) -> {
                    if (old != null && !old.isRetired() && old.address.equals(member.address())) {
                        return old;
                    }
                    if (old != null) {
                        old.retire(closer);
                    }
                    return new WorkerChannel(id, member.address(), create(member), defaultOptions);
                });
            }
            if (channel.tryRetain()) {
                if (closed) { // close() may have missed it
                    channel.release();
                    channel.closeNow();
                    continue;
                }
                return channel;
            }
            channels.remove(member.id(), channel);
        }
    }

    private RpcClient create(Member member) {
        try {
            RpcClient client = factory.create(member);
            if (client == null) {
                throw new IllegalStateException("the worker client factory returned null");
            }
            return client;
        } catch (RuntimeException e) {
            throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "cannot create a client for worker "
                    + member.id() + " at " + member.address() + ": " + e.getMessage()), e);
        }
    }

    /** The worker failed, left or moved: new calls get a new client, this one closes after its calls. */
    void retire(MemberId id) {
        WorkerChannel channel = channels.remove(id);
        if (channel != null) {
            channel.retire(closer);
        }
    }

    /** The current (not retired) channel of a worker, if one was created. */
    WorkerChannel current(MemberId id) {
        WorkerChannel channel = channels.get(id);
        return channel == null || channel.isRetired() ? null : channel;
    }

    List<MemberId> connectedWorkers() {
        List<MemberId> ids = new ArrayList<>();
        channels.forEach((id, channel) -> {
            if (!channel.isRetired()) {
                ids.add(id);
            }
        });
        ids.sort(null);
        return ids;
    }

    void close() {
        closed = true;
        for (MemberId id : List.copyOf(channels.keySet())) {
            WorkerChannel channel = channels.remove(id);
            if (channel != null) {
                channel.closeNow();
            }
        }
    }
}
