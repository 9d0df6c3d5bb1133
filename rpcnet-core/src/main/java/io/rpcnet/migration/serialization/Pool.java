package io.rpcnet.migration.serialization;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A bounded pool of native compressor state (zlib, ISA-L, zstd contexts), which costs more to create than
 * compressing a small block. {@link #take()} never blocks: it creates an object when none is idle; objects
 * given back beyond the bound, or after {@link #close()}, are freed. Thread-safe.
 */
final class Pool<T> {

    private final ArrayBlockingQueue<T> idle;
    private final Supplier<T> factory;
    private final Consumer<T> destroyer;
    private volatile boolean closed;

    Pool(int size, Supplier<T> factory, Consumer<T> destroyer) {
        this.idle = new ArrayBlockingQueue<>(Math.max(1, size));
        this.factory = factory;
        this.destroyer = destroyer;
    }

    T take() {
        T t = idle.poll();
        return t != null ? t : factory.get();
    }

    /** Returns {@code t} for reuse; only for objects left in a reusable state. */
    void give(T t) {
        if (closed || !idle.offer(t)) {
            destroyer.accept(t);
        }
    }

    /** Frees {@code t} instead of returning it, e.g. after it failed midway. */
    void discard(T t) {
        destroyer.accept(t);
    }

    void close() {
        closed = true;
        for (T t; (t = idle.poll()) != null; ) {
            destroyer.accept(t);
        }
    }
}
