package io.rpcnet.director;

import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pause on one session's new calls at the director, taken with {@link DirectorGateway#hold(String)} for a
 * migration's cut-over: while it is on, the session's new calls are accepted from their clients but not
 * forwarded (their request messages wait in the director), so the calls already in flight can finish and the
 * route can be switched without any call seeing the session half-moved. {@link #release()} then sends each
 * waiting call wherever the {@link RoutingTable} routes the session at that moment: the new owner after a
 * successful switch, the old one after a rollback.
 *
 * <p>A waiting call that its client cancels (or whose connection closes) is dropped from the hold; one whose
 * deadline passes ends with DEADLINE_EXCEEDED (a single timer per hold watches the earliest deadline).
 * Thread-safe; nothing here blocks.
 */
public final class CallHold {

    private static final long HELD = Long.MIN_VALUE;

    private final DirectorGateway gateway;
    private final SessionGates gates;
    private final String sessionId;
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final AtomicBoolean drainSignalled = new AtomicBoolean();
    /** When {@link #release()} ended the hold, or {@link #HELD}. */
    private final AtomicLong releasedNanos = new AtomicLong(HELD);
    // the deadline sweep, guarded by "this"
    private long sweepAtNanos = Long.MAX_VALUE;
    private ScheduledFuture<?> sweep;

    CallHold(DirectorGateway gateway, SessionGates gates, String sessionId) {
        this.gateway = gateway;
        this.gates = gates;
        this.sessionId = sessionId;
    }

    public String sessionId() {
        return sessionId;
    }

    /**
     * Completes once every call of the session that was forwarded before the hold began has ended (at once if
     * there were none). If the hold is released before that, it completes exceptionally, caused by a
     * {@link CancellationException}. Dependent actions do not run on a network thread. Each call returns a new
     * future, so completing it or {@code orTimeout} on it does not affect the hold.
     */
    public CompletableFuture<Void> inFlightDrained() {
        return drained.copy();
    }

    /** Calls waiting for the release now (0 once released). */
    public int heldCalls() {
        return gates.heldCalls(sessionId, this);
    }

    /**
     * The session's calls in flight now: while the hold is on, those forwarded before it began that have not
     * ended yet; after the release, also the released ones.
     */
    public int inFlight() {
        return gates.inFlight(sessionId);
    }

    public boolean isReleased() {
        return releasedNanos.get() != HELD;
    }

    /** Time since the hold began; once released, how long it lasted. */
    public Duration elapsed() {
        long end = releasedNanos.get();
        return Duration.ofNanos((end == HELD ? System.nanoTime() : end) - startNanos);
    }

    /**
     * Ends the hold: the waiting calls are routed by the routing table as it is now (an unknown session is
     * SESSION_LOST), on another thread — this returns at once and may be called under any lock. Idempotent.
     */
    public void release() {
        if (isReleased() || !releasedNanos.compareAndSet(HELD, System.nanoTime())) {
            return;
        }
        synchronized (this) {
            if (sweep != null) {
                sweep.cancel(false);
                sweep = null;
            }
            sweepAtNanos = Long.MAX_VALUE;
        }
        List<ForwardedCall> waiting = gates.release(sessionId, this);
        if (drainSignalled.compareAndSet(false, true)) {
            gateway.completeAsync(drained, new CancellationException("the hold of session '" + sessionId
                    + "' was released before its in-flight calls ended"));
        }
        gateway.releaseHeld(this, waiting);
    }

    /** The last in-flight call ended while the hold is on (called under a call's lock: completes elsewhere). */
    void signalDrained() {
        if (drainSignalled.compareAndSet(false, true)) {
            gateway.completeAsync(drained, null);
        }
    }

    /** The hold began with no call in flight. */
    void drainedAtStart() {
        if (drainSignalled.compareAndSet(false, true)) {
            drained.complete(null);
        }
    }

    /** A call now waits on this hold: arms the deadline sweep if the call's deadline comes first. */
    void waiting(ForwardedCall call) {
        long deadline = call.deadlineNanos();
        if (deadline != Long.MAX_VALUE) {
            armSweep(deadline);
        }
    }

    private synchronized void armSweep(long atNanos) {
        if (isReleased() || atNanos >= sweepAtNanos) {
            return;
        }
        if (sweep != null) {
            sweep.cancel(false);
        }
        sweepAtNanos = atNanos;
        sweep = gateway.schedule(this::sweepExpired, atNanos - System.nanoTime());
    }

    /** On the gateway's timer: ends the waiting calls whose deadline has passed, then re-arms. */
    private void sweepExpired() {
        synchronized (this) {
            sweep = null;
            sweepAtNanos = Long.MAX_VALUE;
        }
        List<ForwardedCall> expired = new ArrayList<>();
        long next = gates.expired(sessionId, this, System.nanoTime(), expired);
        for (ForwardedCall call : expired) {
            call.fail(Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline passed while the director held the call:"
                    + " session '" + sessionId + "' is being moved"));
        }
        if (next != Long.MAX_VALUE) {
            armSweep(next);
        }
    }

    @Override
    public String toString() {
        return "CallHold[session=" + sessionId + ", " + (isReleased() ? "released after " : "held for ")
                + elapsed().toMillis() + " ms]";
    }
}
