package io.rpcnet.director;

import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.Status;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-session admission for the gateway: how many calls of each session are in flight (forwarded), which of
 * them are streaming calls (so a drain can interrupt them) and, while a {@link CallHold} is on, which new
 * calls wait. Admitting a call and starting a hold are atomic per session
 * (one {@link ConcurrentHashMap#compute} on the session's key, no global lock), so every session call is
 * either counted in flight before the hold or held — never neither.
 *
 * <p>A session has an entry only while it has calls in flight or a hold, so ended sessions leave nothing
 * behind. The remapping functions only touch the entry: they never call into a {@link ForwardedCall} (whose
 * lock may be held by the caller, as in {@link #ended}) beyond reading its final fields, nor complete futures.
 */
final class SessionGates {

    /** One session's admission state; only read and written inside a remapping function of its key. */
    private static final class Gate {
        int inFlight;
        /** The streaming calls among those in flight; null while there are none. */
        Set<ForwardedCall> streams;
        CallHold hold;
        /** The calls waiting for the hold's release, in arrival order; non-null exactly while held. */
        LinkedHashSet<ForwardedCall> held;

        boolean idle() {
            return inFlight == 0 && hold == null;
        }

        void forwarded(ForwardedCall call) {
            inFlight++;
            if (call.dedicated) {
                if (streams == null) {
                    streams = new HashSet<>(2);
                }
                streams.add(call);
            }
        }

        void ended(ForwardedCall call) {
            if (streams != null && streams.remove(call) && streams.isEmpty()) {
                streams = null;
            }
        }
    }

    private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();

    /**
     * Admits a new call of the session: counted in flight (returns {@code null}, the caller forwards it) or,
     * while the session is held, kept waiting (returns the hold).
     */
    CallHold admit(String sessionId, ForwardedCall call) {
        CallHold[] heldBy = new CallHold[1];
        gates.compute(sessionId, (id, gate) -> {
            Gate g = gate == null ? new Gate() : gate;
            if (g.hold == null) {
                g.forwarded(call);
            } else {
                g.held.add(call);
                heldBy[0] = g.hold;
            }
            return g;
        });
        return heldBy[0];
    }

    /**
     * A session call ended: dropped from the hold if it was waiting, else no longer in flight. Returns the hold
     * whose in-flight calls just drained (this was the last), else {@code null}.
     */
    CallHold ended(String sessionId, ForwardedCall call) {
        CallHold[] drained = new CallHold[1];
        gates.computeIfPresent(sessionId, (id, g) -> {
            if (g.held != null && g.held.remove(call)) {
                return g;
            }
            g.ended(call);
            if (g.inFlight > 0 && --g.inFlight == 0 && g.hold != null) {
                drained[0] = g.hold;
            }
            return g.idle() ? null : g;
        });
        return drained[0];
    }

    /**
     * Starts {@code hold} on the session; returns how many of its calls are in flight now.
     *
     * @throws IllegalStateException if the session is held already
     */
    int hold(String sessionId, CallHold hold) {
        int[] inFlight = new int[1];
        gates.compute(sessionId, (id, gate) -> {
            Gate g = gate == null ? new Gate() : gate;
            if (g.hold != null) {
                throw new IllegalStateException("session '" + sessionId + "' is already held (for "
                        + g.hold.elapsed().toMillis() + " ms); release that hold first");
            }
            g.hold = hold;
            g.held = new LinkedHashSet<>();
            inFlight[0] = g.inFlight;
            return g;
        });
        return inFlight[0];
    }

    /**
     * Ends {@code hold} if it is still on: its waiting calls count as in flight from now on and are returned,
     * in arrival order, for the caller to route. Returns an empty list if the hold had ended already.
     */
    List<ForwardedCall> release(String sessionId, CallHold hold) {
        List<ForwardedCall> released = new ArrayList<>();
        gates.computeIfPresent(sessionId, (id, g) -> {
            if (g.hold != hold) {
                return g;
            }
            released.addAll(g.held);
            g.held.forEach(g::forwarded);
            g.hold = null;
            g.held = null;
            return g.idle() ? null : g;
        });
        return released;
    }

    /**
     * Adds the calls waiting on {@code hold} whose deadline is at or before {@code nowNanos} to {@code expired};
     * returns the earliest deadline among the others ({@link Long#MAX_VALUE} if none).
     */
    long expired(String sessionId, CallHold hold, long nowNanos, List<ForwardedCall> expired) {
        long[] next = {Long.MAX_VALUE};
        gates.computeIfPresent(sessionId, (id, g) -> {
            if (g.hold == hold) {
                for (ForwardedCall call : g.held) {
                    long deadline = call.deadlineNanos();
                    if (deadline <= nowNanos) {
                        expired.add(call);
                    } else {
                        next[0] = Math.min(next[0], deadline);
                    }
                }
            }
            return g;
        });
        return next[0];
    }

    /** The session's streaming calls in flight now (a copy; empty if none). */
    private List<ForwardedCall> streams(String sessionId) {
        List<ForwardedCall> out = new ArrayList<>();
        gates.computeIfPresent(sessionId, (id, g) -> {
            if (g.streams != null) {
                out.addAll(g.streams);
            }
            return g;
        });
        return out;
    }

    /** How many streaming calls of the session are in flight now. */
    int streamCount(String sessionId) {
        int[] n = new int[1];
        gates.computeIfPresent(sessionId, (id, g) -> {
            n[0] = g.streams == null ? 0 : g.streams.size();
            return g;
        });
        return n[0];
    }

    /**
     * Fails the session's streaming calls in flight with {@code status} and {@code trailers} (null: none), outside
     * any remapping function; returns how many were still running.
     */
    int interruptStreams(String sessionId, Status status, Metadata trailers) {
        int interrupted = 0;
        for (ForwardedCall call : streams(sessionId)) {
            if (call.fail(status, trailers == null ? null : trailers.copy())) {
                interrupted++;
            }
        }
        return interrupted;
    }

    /** Calls of the session in flight now. */
    int inFlight(String sessionId) {
        int[] n = new int[1];
        gates.computeIfPresent(sessionId, (id, g) -> {
            n[0] = g.inFlight;
            return g;
        });
        return n[0];
    }

    /** Calls waiting on {@code hold} now (0 once it is released). */
    int heldCalls(String sessionId, CallHold hold) {
        int[] n = new int[1];
        gates.computeIfPresent(sessionId, (id, g) -> {
            n[0] = g.hold == hold ? g.held.size() : 0;
            return g;
        });
        return n[0];
    }

    /** Sessions with calls in flight or a hold (the bookkeeping's size; 0 when the gateway is idle). */
    int size() {
        return gates.size();
    }
}
