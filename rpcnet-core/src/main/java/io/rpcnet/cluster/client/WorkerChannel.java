package io.rpcnet.cluster.client;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.MemberId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One worker's {@link RpcClient} and the proxies made from it, counted by the calls using it so that a retired
 * channel (the worker failed, left or moved) is closed only after its last call ended.
 */
final class WorkerChannel {

    final MemberId id;
    final String address;
    final RpcClient client;
    private final CallOptions defaultOptions;
    private final Map<Class<?>, Object> proxies = new ConcurrentHashMap<>();
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean retired;
    private volatile Executor closer;

    WorkerChannel(MemberId id, String address, RpcClient client, CallOptions defaultOptions) {
        this.id = id;
        this.address = address;
        this.client = client;
        this.defaultOptions = defaultOptions;
    }

    /** A proxy of {@code serviceInterface} on this worker; cached for the client's default options. */
    Object proxy(Class<?> serviceInterface, CallOptions options) {
        if (options.equals(defaultOptions)) {
            return proxies.computeIfAbsent(serviceInterface, type -> client.proxy(type, defaultOptions));
        }
        return client.proxy(serviceInterface, options);
    }

    /** Counts one more call on this channel; false if it was retired meanwhile (use a fresh one). */
    boolean tryRetain() {
        if (retired) {
            return false;
        }
        users.incrementAndGet();
        if (retired) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        if (users.decrementAndGet() == 0 && retired) {
            closeOnce(closer);
        }
    }

    boolean isRetired() {
        return retired;
    }

    /** No new calls; closes the client (on {@code executor}) once the calls in flight have ended. */
    void retire(Executor executor) {
        closer = executor;
        retired = true;
        if (users.get() == 0) {
            closeOnce(executor);
        }
    }

    /** Closes now, whatever is in flight (the cluster client is closing). */
    void closeNow() {
        retired = true;
        closeOnce(null);
    }

    int users() {
        return users.get();
    }

    private void closeOnce(Executor executor) {
        if (closed.compareAndSet(false, true)) {
            if (executor == null) {
                client.close();
            } else {
                try {
                    executor.execute(client::close); // RpcClient.close waits for its I/O threads: not on an I/O thread
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    client.close(); // the cluster client is closing
                }
            }
        }
    }

    @Override
    public String toString() {
        return "WorkerChannel[" + id + " at " + address + (retired ? ", retired" : "") + "]";
    }
}
