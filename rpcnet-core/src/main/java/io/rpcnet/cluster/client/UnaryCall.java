package io.rpcnet.cluster.client;

import io.github.resilience4j.retry.Retry;
import io.rpcnet.client.CallOptions;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.registry.LoadTracker;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.service.MethodDescriptor;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One logical unary call through a {@link ClusterClient}: attempts on selected workers until one succeeds, the
 * failure may not be retried, the retry budget is spent, or the deadline (measured from the start of the call,
 * shared by all attempts) would pass. Attempts run one after another, never in parallel, so the fields need no
 * locking: each attempt hands over to the next through an executor or a future, which orders the accesses.
 */
final class UnaryCall {

    private final ClusterClient client;
    private final MethodDescriptor method;
    private final Object[] args;
    private final TagFilter filter;
    private final CallOptions options;
    private final boolean idempotent;
    private final boolean hasDeadline;
    private final long deadlineNanos;
    private final Retry.AsyncContext<Object> retry;
    private Set<MemberId> tried = Set.of();
    private int attempts;
    private RuntimeException lastFailure;

    UnaryCall(ClusterClient client, MethodDescriptor method, Object[] args, TagFilter filter, CallOptions options,
              boolean idempotent) {
        this.client = client;
        this.method = method;
        this.args = args;
        this.filter = filter;
        this.options = options;
        this.idempotent = idempotent;
        this.hasDeadline = options.timeout() != null;
        this.deadlineNanos = hasDeadline ? System.nanoTime() + options.timeout().toNanos() : 0;
        this.retry = client.retry().asyncContext();
    }

    // ---- blocking -----------------------------------------------------------------------------------

    Object runBlocking() {
        for (;;) {
            Attempt attempt = start();
            try {
                Object value = invokeBlocking(attempt);
                attempt.succeeded();
                retry.onComplete();
                return value;
            } catch (Throwable t) {
                RuntimeException failure = attempt.failed(t);
                long delay = nextDelay(failure, attempt.member.id());
                if (delay < 0) {
                    throw failure;
                }
                pause(delay);
            }
        }
    }

    private Object invokeBlocking(Attempt attempt) throws Throwable {
        Object result = attempt.invoke(method, args, attemptOptions());
        if (!method.async()) {
            return result;
        }
        CompletableFuture<?> future = (CompletableFuture<?>) result;
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RpcException(StatusCode.CANCELLED, "interrupted while waiting for " + method.fullName());
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    private void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            RpcException cancelled = new RpcException(StatusCode.CANCELLED, "interrupted while waiting to retry "
                    + method.fullName());
            cancelled.addSuppressed(lastFailure);
            throw cancelled;
        }
    }

    // ---- asynchronous -------------------------------------------------------------------------------

    /**
     * Runs the call asynchronously. A method declared {@code CompletableFuture<R>} starts its first attempt on the
     * calling thread and completes on the worker client's callback thread; a blocking method runs its attempts on
     * the client's executor. Retries always start on the executor, never on an I/O thread.
     */
    CompletableFuture<Object> runAsync() {
        CallFuture result = new CallFuture();
        if (method.async()) {
            attemptAsync(result);
        } else {
            try {
                client.executor().execute(() -> attemptAsync(result));
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(closed());
            }
        }
        return result;
    }

    private void attemptAsync(CallFuture result) {
        if (result.isDone()) {
            return;
        }
        Attempt attempt;
        try {
            attempt = start();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        if (method.async()) {
            CompletableFuture<?> future;
            try {
                future = (CompletableFuture<?>) attempt.invoke(method, args, attemptOptions());
            } catch (Throwable t) {
                attemptDone(result, attempt, null, t);
                return;
            }
            result.current(future);
            future.whenComplete((value, error) -> attemptDone(result, attempt, value, error));
            return;
        }
        if (!result.enterBlocking()) {
            attempt.abandon();
            return;
        }
        Object value = null;
        Throwable error = null;
        try {
            value = attempt.invoke(method, args, attemptOptions());
        } catch (Throwable t) {
            error = t;
        } finally {
            result.exitBlocking();
        }
        attemptDone(result, attempt, value, error);
    }

    private void attemptDone(CallFuture result, Attempt attempt, Object value, Throwable error) {
        if (error == null) {
            attempt.succeeded();
            retry.onComplete();
            result.complete(value);
            return;
        }
        RuntimeException failure;
        try {
            failure = attempt.failed(error);
        } catch (Error e) {
            result.completeExceptionally(e);
            throw e;
        }
        if (result.isDone()) {
            return; // cancelled by the caller
        }
        long delay = nextDelay(failure, attempt.member.id());
        if (delay < 0) {
            result.completeExceptionally(failure);
            return;
        }
        Runnable rejected = () -> result.completeExceptionally(failure);
        try {
            client.scheduler().schedule(() -> {
                try {
                    client.executor().execute(() -> attemptAsync(result));
                } catch (RejectedExecutionException e) {
                    rejected.run();
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            rejected.run();
        }
    }

    // ---- shared -------------------------------------------------------------------------------------

    /** Selects a worker (avoiding those tried) and takes its load lease. */
    private Attempt start() {
        int forgotten = 0;
        for (;;) {
            WorkerSelector.Selected selected;
            try {
                selected = client.selector().select(filter, tried, method.fullName());
            } catch (RpcException none) {
                if (lastFailure != null) {
                    lastFailure.addSuppressed(none);
                    throw lastFailure;
                }
                throw none;
            }
            MemberId id = selected.member().id();
            LoadTracker.Lease lease;
            try {
                lease = client.registry().loadTracker(id).acquireCall();
            } catch (IllegalArgumentException gone) { // forgotten between selection and now
                selected.breaker().releasePermission();
                markTried(id);
                if (++forgotten > 3) {
                    throw new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "workers matching "
                            + WorkerSelector.describe(filter) + " keep disappearing (call " + method.fullName() + ")"));
                }
                continue;
            }
            attempts++;
            return new Attempt(selected.member(), selected.breaker(), lease, client.channels());
        }
    }

    /** Options of the current attempt: retries get what is left of the call's deadline. */
    private CallOptions attemptOptions() {
        if (!hasDeadline || attempts <= 1) {
            return options;
        }
        long remaining = Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadlineNanos - System.nanoTime());
        return options.withTimeout(Duration.ofNanos(remaining));
    }

    /** Milliseconds to wait before the next attempt, or -1 to give up with {@code failure}. */
    private long nextDelay(RuntimeException failure, MemberId worker) {
        lastFailure = failure;
        if (client.isClosed()) {
            retry.onError(failure);
            return -1;
        }
        boolean retryable = failure instanceof RpcException e
                && ClusterResilience.isRetryable(e, idempotent, client.idempotentRetryCodes());
        long delay = retry.onError(retryable ? new RetryableFailure(failure) : failure);
        if (delay < 0) {
            return -1;
        }
        if (hasDeadline && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) >= deadlineNanos) {
            return -1;
        }
        markTried(worker);
        return delay;
    }

    private void markTried(MemberId id) {
        if (tried.isEmpty()) {
            tried = new HashSet<>(4);
        }
        tried.add(id);
    }

    private static RpcException closed() {
        return new RpcException(Status.notProcessed(StatusCode.UNAVAILABLE, "cluster client is closed"));
    }

    /** What the retry predicate sees for a failure the rules allow to retry. */
    static final class RetryableFailure extends RuntimeException {
        RetryableFailure(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** The caller's future: cancelling it cancels the attempt in flight (the RPC, or the blocking thread). */
    static final class CallFuture extends CompletableFuture<Object> {
        private final Object lock = new Object();
        private volatile Future<?> current;
        private Thread blocking;

        void current(Future<?> future) {
            current = future;
            if (isCancelled()) {
                future.cancel(true);
            }
        }

        boolean enterBlocking() {
            synchronized (lock) {
                if (isDone()) {
                    return false;
                }
                blocking = Thread.currentThread();
                return true;
            }
        }

        void exitBlocking() {
            synchronized (lock) {
                blocking = null;
            }
            if (isCancelled()) {
                Thread.interrupted(); // our cancel() may have interrupted this thread; do not leak it to the pool
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                Future<?> f = current;
                if (f != null) {
                    f.cancel(true);
                }
                synchronized (lock) {
                    if (blocking != null) {
                        blocking.interrupt();
                    }
                }
            }
            return cancelled;
        }
    }
}
