package io.rpcnet.cluster.client;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.rpcnet.client.CallOptions;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.registry.LoadTracker;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.service.MethodDescriptor;

import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One try of a call on one worker: holds the worker's circuit-breaker permission, a load lease (so
 * least-connections sees the call) and a count on the worker's channel, and gives all three back exactly once,
 * reporting the outcome to the breaker.
 */
final class Attempt {

    final Member member;
    private final CircuitBreaker breaker;
    private final LoadTracker.Lease lease;
    private final WorkerChannels channels;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile WorkerChannel channel;

    Attempt(Member member, CircuitBreaker breaker, LoadTracker.Lease lease, WorkerChannels channels) {
        this.member = member;
        this.breaker = breaker;
        this.lease = lease;
        this.channels = channels;
    }

    /**
     * Invokes {@code method} on this worker through its client's proxy (no reflection access checks, no wrapping
     * of the exceptions the proxy throws). {@code args} are the call's arguments without a session one (the
     * proxy is given {@code null} for it, and does not send it).
     */
    Object invoke(MethodDescriptor method, Object[] args, CallOptions options) throws Throwable {
        WorkerChannel c = channels.retain(member);
        channel = c;
        Object proxy = c.proxy(method.method().getDeclaringClass(), options);
        return Proxy.getInvocationHandler(proxy).invoke(proxy, method.method(), method.javaArguments(args, null));
    }

    void succeeded() {
        if (finished.compareAndSet(false, true)) {
            breaker.onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            release();
        }
    }

    /** Records the failure with the breaker, releases, and returns it as a runtime exception. */
    RuntimeException failed(Throwable error) {
        RuntimeException failure;
        try {
            failure = asRuntime(error);
        } catch (Error e) {
            abandon();
            throw e;
        }
        if (finished.compareAndSet(false, true)) {
            breaker.onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, failure);
            release();
        }
        return failure;
    }

    /** Gives everything back without counting an outcome (the attempt never started). */
    void abandon() {
        if (finished.compareAndSet(false, true)) {
            breaker.releasePermission();
            release();
        }
    }

    private void release() {
        lease.release();
        WorkerChannel c = channel;
        if (c != null) {
            c.release();
        }
    }

    static RuntimeException asRuntime(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.lang.reflect.UndeclaredThrowableException
                || t instanceof java.lang.reflect.InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof java.util.concurrent.CancellationException) {
            return new RpcException(io.rpcnet.protocol.StatusCode.CANCELLED, "cancelled by the client");
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new RpcException(Status.fromThrowable(t), t);
    }
}
