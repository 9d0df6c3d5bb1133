package io.rpcnet.migration.serialization;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs per-chunk work on an executor, at most {@code maxInFlight} at a time, and hands results to a
 * consumer on the submitting thread in submission order. Bounding the work in flight is what bounds the
 * memory of a transfer, whatever the snapshot size.
 *
 * <p>A caller that needs a result whose task no pool thread has started yet runs it itself, so the caller
 * works instead of waiting, a busy or saturated executor (even one rejecting tasks) cannot stall a
 * transfer, and the latency does not depend on pool threads being scheduled on a loaded machine. With no
 * executor, work runs inline. Not thread-safe: one submitting thread.
 */
final class OrderedPipeline<T> {

    private final Executor executor;
    private final int maxInFlight;
    private final Consumer<T> consumer;
    private final ArrayDeque<FutureTask<T>> inFlight = new ArrayDeque<>();

    OrderedPipeline(Executor executor, int maxInFlight, Consumer<T> consumer) {
        this.executor = executor;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.consumer = consumer;
    }

    void submit(Supplier<T> task) {
        if (executor == null) {
            consumer.accept(task.get());
            return;
        }
        FutureTask<T> f = new FutureTask<>(task::get);
        inFlight.add(f);
        try {
            executor.execute(f);
        } catch (RejectedExecutionException e) {
            // left to the caller, which runs it when it needs the result
        }
        drain(false);
    }

    /** Consumes finished results in order; with {@code all}, waits for (or runs) every one. */
    void drain(boolean all) {
        while (!inFlight.isEmpty()
                && (all || inFlight.size() > maxInFlight || inFlight.peek().isDone())) {
            consumer.accept(await(inFlight.poll()));
        }
    }

    /** Cancels work not yet started; results of running work are dropped. */
    void cancel() {
        for (FutureTask<T> f : inFlight) {
            f.cancel(false);
        }
        inFlight.clear();
    }

    private T await(FutureTask<T> f) {
        f.run(); // no-op if a pool thread has started (or finished) it
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new MigrationException(MigrationError.ABORTED, "interrupted while processing snapshot chunks");
        } catch (CancellationException e) {
            throw new MigrationException(MigrationError.ABORTED, "snapshot chunk processing was cancelled");
        } catch (ExecutionException e) {
            cancel();
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
