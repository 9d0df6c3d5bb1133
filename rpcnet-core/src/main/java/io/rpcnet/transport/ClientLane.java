package io.rpcnet.transport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A long-lived stream that unary calls share. {@code users} counts calls using it; the idle reaper closes a
 * lane only by moving {@code users} from 0 to -1, so a caller that just picked the lane can never lose its
 * call to the close.
 */
final class ClientLane {

    final StreamContext stream;
    private final AtomicInteger users = new AtomicInteger();
    private volatile long lastUsedNanos = System.nanoTime();

    ClientLane(StreamContext stream) {
        this.stream = stream;
    }

    /** Reserves the lane for one call; false if it is closing or closed. */
    boolean tryAcquire() {
        while (true) {
            int n = users.get();
            if (n < 0 || !stream.channel().isActive()) {
                return false;
            }
            if (users.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        lastUsedNanos = System.nanoTime();
        users.decrementAndGet();
    }

    /** Claims an idle lane for closing. */
    boolean tryRetire(long idleNanos) {
        return System.nanoTime() - lastUsedNanos >= idleNanos && users.compareAndSet(0, -1);
    }

    boolean isUsable() {
        return users.get() >= 0 && stream.channel().isActive();
    }
}
