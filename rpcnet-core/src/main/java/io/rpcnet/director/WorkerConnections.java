package io.rpcnet.director;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.transport.ClientConnection;
import io.rpcnet.transport.QuicClientEndpoint;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

/**
 * The director's pooled connections to workers: one {@link ClientConnection} per worker and I/O thread of the
 * gateway, reused by every call that arrived on that thread (so a forwarded call never changes threads, and
 * the calls of one read batch leave together), replaced when it closes, drains (GOAWAY) or the worker's address
 * changes. Connecting (a blocking QUIC handshake) happens on {@code connector} threads, never on an event loop.
 */
final class WorkerConnections implements AutoCloseable {

    private record Entry(String address, CompletableFuture<ClientConnection> connection) {
        boolean usable(String currentAddress) {
            if (!address.equals(currentAddress)) {
                return false;
            }
            if (!connection.isDone()) {
                return true;
            }
            ClientConnection c = connection.isCompletedExceptionally() ? null : connection.getNow(null);
            return c != null && c.isActive() && !c.isDraining();
        }
    }

    private final QuicClientEndpoint endpoint;
    private final ExecutorService connector;
    private final List<String> migrationModes;
    /** A worker, and the I/O thread its connection runs on. */
    private record Key(MemberId worker, Executor ioThread) {
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean closed;

    WorkerConnections(QuicClientEndpoint endpoint, ExecutorService connector, List<String> migrationModes) {
        this.endpoint = endpoint;
        this.connector = connector;
        this.migrationModes = migrationModes;
    }

    /**
     * The pooled connection to {@code worker} on {@code ioThread} (the gateway I/O thread of the call), connecting
     * (asynchronously) when there is none usable.
     */
    CompletableFuture<ClientConnection> connection(Member worker, Executor ioThread) {
        Key key = new Key(worker.id(), ioThread);
        Entry entry = entries.get(key);
        if (entry != null && entry.usable(worker.address())) {
            return entry.connection();
        }
        Entry[] stale = new Entry[1];
        Entry fresh = entries.compute(key, (k, current) -> {
            if (current != null && current.usable(worker.address())) {
                return current;
            }
            stale[0] = current;
            return new Entry(worker.address(), connect(worker, ioThread));
        });
        if (stale[0] != null) {
            retire(stale[0]);
        }
        return fresh.connection();
    }

    /** Whether a live connection to the worker is pooled (tests and diagnostics). */
    boolean isConnected(MemberId worker) {
        return entries.entrySet().stream().anyMatch(e -> e.getKey().worker().equals(worker)
                && e.getValue().connection().isDone() && e.getValue().usable(e.getValue().address()));
    }

    int size() {
        return entries.size();
    }

    private CompletableFuture<ClientConnection> connect(Member worker, Executor ioThread) {
        if (closed) {
            return CompletableFuture.failedFuture(new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE,
                    "director is shutting down")));
        }
        String h = worker.host();
        int port = worker.port();
        CompletableFuture<ClientConnection> future = new CompletableFuture<>();
        try {
            connector.execute(() -> {
                try {
                    ClientConnection c = endpoint.connect(h, port, migrationModes, ioThread);
                    if (!future.complete(c) || closed) {
                        c.close();
                    }
                } catch (RpcException e) {
                    future.completeExceptionally(new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE,
                            "worker " + worker.id() + " at " + worker.address() + " is unreachable: " + e.getMessage()), e));
                } catch (RuntimeException e) {
                    future.completeExceptionally(new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE,
                            "cannot connect to worker " + worker.id() + " at " + worker.address() + ": " + e), e));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            future.completeExceptionally(new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE,
                    "director is shutting down")));
        }
        return future;
    }

    private void retire(Entry entry) {
        entry.connection().thenAccept(c -> {
            // a draining connection finishes its in-flight calls; a closed one has nothing left
            if (!c.isActive()) {
                connector.execute(c::close);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        for (Entry e : entries.values()) {
            e.connection().thenAccept(ClientConnection::close);
        }
        entries.clear();
    }
}
