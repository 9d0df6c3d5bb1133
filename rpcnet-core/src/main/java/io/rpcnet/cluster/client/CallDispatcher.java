package io.rpcnet.cluster.client;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.rpcnet.client.CallOptions;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.registry.LoadTracker;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.MethodDescriptor;
import io.rpcnet.service.MethodType;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts the calls of a {@link ClusterClient}: admits each one (client open, a bulkhead permit), looks up whether
 * its method is idempotent (cached per method), then runs a {@link UnaryCall} (selection, retries) or a
 * {@link StreamingCall} on one selected worker, and returns the permit when the call ends. Its own class so the
 * client keeps its public API and wiring; the rules are described in the client's class comment.
 */
final class CallDispatcher {

    private final ClusterClient client;
    private final Bulkhead bulkhead;
    private final WorkerSelector selector;
    private final WorkerRegistry registry;
    private final WorkerChannels channels;
    private final Map<Method, Boolean> idempotent = new ConcurrentHashMap<>();

    CallDispatcher(ClusterClient client, Bulkhead bulkhead, WorkerSelector selector, WorkerRegistry registry,
                   WorkerChannels channels) {
        this.client = client;
        this.bulkhead = bulkhead;
        this.selector = selector;
        this.registry = registry;
        this.channels = channels;
    }

    Object invokeBlocking(MethodDescriptor method, Object[] args, TagFilter filter, CallOptions options) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        acquirePermit(method);
        try {
            return new UnaryCall(client, method, args, filter, options, isIdempotent(method)).runBlocking();
        } finally {
            bulkhead.onComplete();
        }
    }

    CompletableFuture<Object> invokeAsync(MethodDescriptor method, Object[] args, TagFilter filter,
                                          CallOptions options) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(options, "options");
        try {
            acquirePermit(method);
        } catch (RpcException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Object> result;
        try {
            result = new UnaryCall(client, method, args, filter, options, isIdempotent(method)).runAsync();
        } catch (RuntimeException | Error e) {
            bulkhead.onComplete();
            throw e;
        }
        result.whenComplete((value, error) -> bulkhead.onComplete());
        return result;
    }

    /** A streaming call on one selected worker, no retry. */
    Object stream(MethodDescriptor method, Object[] args, TagFilter filter, CallOptions options) {
        acquirePermit(method);
        Attempt attempt;
        try {
            WorkerSelector.Selected selected = selector.select(filter, Set.of(), method.fullName());
            LoadTracker.Lease lease;
            try {
                lease = registry.loadTracker(selected.member().id()).acquireCall();
            } catch (IllegalArgumentException gone) {
                selected.breaker().releasePermission();
                throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "worker "
                        + selected.member().id() + " left while " + method.fullName() + " was starting"));
            }
            attempt = new Attempt(selected.member(), selected.breaker(), lease, channels);
        } catch (RuntimeException e) {
            bulkhead.onComplete();
            throw e;
        }
        return StreamingCall.run(attempt, method, args, options, bulkhead::onComplete);
    }

    private void acquirePermit(MethodDescriptor method) {
        if (client.isClosed()) {
            throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "cluster client is closed"));
        }
        if (!bulkhead.tryAcquirePermission()) {
            throw new RpcException(Status.notProcessed(StatusCode.RESOURCE_EXHAUSTED, "cluster client bulkhead '"
                    + bulkhead.getName() + "' is full (" + bulkhead.getBulkheadConfig().getMaxConcurrentCalls()
                    + " concurrent calls); " + method.fullName() + " was not sent"));
        }
    }

    private boolean isIdempotent(MethodDescriptor method) {
        return idempotent.computeIfAbsent(method.method(), ClusterResilience::isIdempotent);
    }

    /** {@code method}, if it is unary; otherwise IllegalArgumentException (streams go through a proxy). */
    static MethodDescriptor requireUnary(MethodDescriptor method) {
        if (method.type() != MethodType.UNARY) {
            throw new IllegalArgumentException(method.fullName() + " is a " + method.type()
                    + " method: call it through proxy(...)");
        }
        return method;
    }

    /** The argument array of a unary call by name: {@code request}, or nothing for methods without one. */
    static Object[] unaryArgs(MethodDescriptor method, Object request) {
        return method.hasRequest() ? new Object[]{request} : new Object[0];
    }
}
