package io.rpcnet.director;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Carries backpressure across the gateway for one direction of a forwarded streaming call: while the side
 * a message was just written to cannot take more, the side it came from stops reading (so QUIC flow control
 * slows its sender); a timer re-checks every 500 µs — the transport has no "ready again" callback yet — and
 * reading resumes once there is room or the call is over.
 */
final class BackpressureRelay {

    private static final long POLL_MICROS = 500;

    private final ScheduledExecutorService scheduler;
    private final Object lock;
    private final BooleanSupplier blocked;
    private final Runnable pauseSource;
    private final Runnable resumeSource;
    private boolean scheduled; // guarded by lock

    /**
     * @param lock    guards the call's state; {@code blocked} is evaluated holding it
     * @param blocked whether the call is still live and the receiving side has no room
     */
    BackpressureRelay(ScheduledExecutorService scheduler, Object lock, BooleanSupplier blocked,
                      Runnable pauseSource, Runnable resumeSource) {
        this.scheduler = scheduler;
        this.lock = lock;
        this.blocked = blocked;
        this.pauseSource = pauseSource;
        this.resumeSource = resumeSource;
    }

    /** After a write (caller holds the lock): holds the source back if the receiver is now full. */
    void holdIfBlocked() {
        if (!scheduled && blocked.getAsBoolean()) {
            scheduled = true;
            pauseSource.run();
            scheduler.schedule(this::poll, POLL_MICROS, TimeUnit.MICROSECONDS);
        }
    }

    private void poll() {
        synchronized (lock) {
            if (blocked.getAsBoolean()) {
                scheduler.schedule(this::poll, POLL_MICROS, TimeUnit.MICROSECONDS);
                return;
            }
            scheduled = false;
        }
        resumeSource.run();
    }
}
