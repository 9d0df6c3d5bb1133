package io.rpcnet.director;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.registry.LoadTracker;
import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.transport.ClientConnection;
import io.rpcnet.transport.InboundMessage;
import io.rpcnet.transport.PayloadWriter;
import io.rpcnet.transport.ServerCallListener;
import io.rpcnet.transport.ServerTransportCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One call through the director: the client's side ({@link ServerCallListener}, on the gateway's event loop)
 * and the worker's side (a {@link WorkerAttempt}, on the worker connection's event loop, normally the same thread:
 * see {@link WorkerConnections}), joined by a lock that is only ever held for non-blocking work. Messages travel as opaque bytes.
 * Request messages stay in a {@link ReplayBuffer} until the worker responds, so a MOVED can be replayed once.
 */
final class ForwardedCall implements ServerCallListener {

    private static final Logger log = LoggerFactory.getLogger(ForwardedCall.class);

    private final DirectorGateway gateway;
    private final ServerTransportCall downstream;
    private final CallHeader header;
    final boolean dedicated; // a streaming call (its own QUIC stream); SessionGates reads it
    private final long acceptedNanos = System.nanoTime();

    // all guarded by "this"
    private final ArrayDeque<InboundMessage> pending = new ArrayDeque<>(2); // unary: one message
    private final ReplayBuffer replay;
    private boolean clientHalfClosed;
    private boolean workerHalfClosed;
    private boolean done;
    private boolean rerouted;
    private MemberId target;
    private ClientConnection connection;
    private WorkerAttempt attempt;
    private InboundMessage heldResponse;
    private LoadTracker.Lease lease;

    ForwardedCall(DirectorGateway gateway, ServerTransportCall downstream, CallHeader header) {
        this.gateway = gateway;
        this.downstream = downstream;
        this.header = header;
        this.dedicated = downstream.isDedicated();
        this.replay = new ReplayBuffer(header.sessionId() != null);
    }

    String sessionId() {
        return header.sessionId();
    }

    /** When the client's deadline passes ({@code System.nanoTime()} scale); {@link Long#MAX_VALUE} if none. */
    long deadlineNanos() {
        long micros = header.timeoutMicros();
        return micros > 0 ? acceptedNanos + TimeUnit.MICROSECONDS.toNanos(micros) : Long.MAX_VALUE;
    }

    /** Routes the call to {@code worker}: first from the acceptor or a released hold, again after a MOVED. */
    void route(MemberId worker) {
        Member member = gateway.registry().member(worker).orElse(null);
        synchronized (this) {
            if (done) {
                return;
            }
            target = worker;
            connection = null;
            if (lease != null) {
                lease.close();
                lease = null;
            }
            if (member != null) {
                try {
                    lease = gateway.registry().loadTracker(worker).acquireCall();
                } catch (IllegalArgumentException unknown) {
                    lease = null;
                }
            }
        }
        if (member == null) {
            fail(Status.notProcessed(StatusCode.UNAVAILABLE, "worker " + worker + " is not known to the director"));
            return;
        }
        // the connection on the thread this call arrived on: no hand-over between threads on the way
        CompletableFuture<ClientConnection> pooled = gateway.connections().connection(member, downstream.eventLoop());
        if (pooled.isDone() && !pooled.isCompletedExceptionally()) {
            connectionReady(worker, pooled.join()); // the common case: no callback to allocate
            return;
        }
        pooled.whenComplete((c, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                fail(cause instanceof RpcException e ? e.status()
                        : Status.notProcessed(StatusCode.UNAVAILABLE, "cannot reach worker " + worker + ": " + cause));
                return;
            }
            connectionReady(worker, c);
        });
    }

    /** The connection to {@code worker} is open: starts the call on it once the call can be sent. */
    private void connectionReady(MemberId worker, ClientConnection c) {
        boolean ready;
        synchronized (this) {
            if (done || !worker.equals(target)) {
                return;
            }
            connection = c;
            ready = dedicated || clientHalfClosed; // else onHalfClose starts it
        }
        if (ready) {
            startOn(c);
        }
    }

    /** Runs {@link #tryStart} on the worker connection's event loop: right here when this is that thread. */
    private void startOn(ClientConnection c) {
        if (c.inEventLoop()) {
            tryStart();
        } else {
            try {
                c.eventLoop().execute(this::tryStart);
            } catch (RejectedExecutionException e) { // the director is shutting down
                fail(Status.notProcessed(StatusCode.UNAVAILABLE, "director is shutting down; call not forwarded"));
            }
        }
    }

    /** On the worker connection's event loop: starts the worker call once it can be sent. */
    private void tryStart() {
        Status failure;
        synchronized (this) {
            ClientConnection c = connection;
            if (done || c == null || attempt != null || (!dedicated && !clientHalfClosed)) {
                return; // a unary call starts once its request is complete: CALL + MESSAGE + END in one write
            }
            failure = startLocked(c);
        }
        if (failure != null) {
            fail(failure);
        }
    }

    /** Starts the worker call on {@code c} (caller holds the lock); returns the status to fail with, or null. */
    private Status startLocked(ClientConnection c) {
        CallHeader forwarded = header; // with what is left of the client's deadline
        if (header.timeoutMicros() > 0) {
            long leftMicros = TimeUnit.NANOSECONDS.toMicros(deadlineNanos() - System.nanoTime());
            if (leftMicros <= 0) {
                return Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline passed in the director before the call"
                        + " reached a worker");
            }
            if (leftMicros != header.timeoutMicros()) {
                forwarded = new CallHeader(header.method(), leftMicros, header.sessionId(), header.metadata());
            }
        }
        InboundMessage first = pending.poll();
        boolean endAfterFirst = clientHalfClosed && pending.isEmpty();
        WorkerAttempt a = new WorkerAttempt(this, target, dedicated, downstream, gateway.scheduler());
        attempt = a;
        try {
            a.call = c.startCall(forwarded, dedicated, first == null ? null : PayloadWriter.copyOf(first),
                    endAfterFirst, a);
        } catch (RuntimeException e) {
            attempt = null;
            if (first != null) {
                pending.addFirst(first);
            }
            return e instanceof RpcException r ? r.status()
                    : Status.notProcessed(StatusCode.UNAVAILABLE, "cannot start the call on worker " + target + ": " + e);
        }
        if (first != null) {
            replay.keepOrRelease(first);
        }
        workerHalfClosed = endAfterFirst;
        while (!pending.isEmpty() && !done && attempt == a) {
            InboundMessage m = pending.poll();
            boolean last = clientHalfClosed && pending.isEmpty();
            sendUp(a, m, last);
            workerHalfClosed |= last;
        }
        if (clientHalfClosed && !workerHalfClosed && attempt == a) {
            workerHalfClosed = true;
            a.call.halfClose();
        }
        return null;
    }

    /** Sends one request message to the worker (caller holds the lock); pauses the client when the worker is behind. */
    private void sendUp(WorkerAttempt a, InboundMessage m, boolean end) {
        try {
            a.call.sendMessage(PayloadWriter.copyOf(m), end);
        } catch (RuntimeException e) {
            m.release();
            Status s = Status.fromThrowable(e);
            a.call.cancel(s);
            return;
        }
        replay.keepOrRelease(m);
        if (a.upstream != null) {
            a.upstream.holdIfBlocked();
        }
    }

    // ---- the client's side (gateway event loop) ------------------------------------------------------

    @Override
    public void onMessage(InboundMessage message) {
        synchronized (this) {
            if (done) {
                message.release();
                return;
            }
            WorkerAttempt a = attempt;
            if (a == null) {
                pending.add(message);
                return;
            }
            sendUp(a, message, false);
        }
    }

    @Override
    public void onHalfClose() {
        ClientConnection startOn = null;
        synchronized (this) {
            if (done || clientHalfClosed) {
                return;
            }
            clientHalfClosed = true;
            WorkerAttempt a = attempt;
            if (a != null) {
                if (!workerHalfClosed) {
                    workerHalfClosed = true;
                    a.call.halfClose();
                }
            } else {
                startOn = connection;
            }
        }
        if (startOn != null) {
            startOn(startOn);
        }
    }

    @Override
    public void onCancel(Status reason) {
        WorkerAttempt a;
        synchronized (this) {
            if (done) {
                return;
            }
            a = finishLocked();
        }
        if (a != null) {
            a.call.cancel(reason); // CANCEL (with the client's code: CANCELLED or DEADLINE_EXCEEDED) to the worker
        }
    }

    void fail(Status status) {
        fail(status, null);
    }

    /** Ends the call towards the client with {@code status} and {@code trailers} (null: none) and abandons the
     * worker call, if any; false if the call had ended already. */
    boolean fail(Status status, Metadata trailers) {
        WorkerAttempt a;
        synchronized (this) {
            if (done) {
                return false;
            }
            a = finishLocked();
            downstream.sendStatus(status, trailers);
        }
        if (a != null) {
            a.call.cancel(Status.of(StatusCode.CANCELLED, "director abandoned the call: " + status.message()));
        }
        return true;
    }

    /** Marks the call done and frees everything it holds (caller holds the lock); returns the live attempt. */
    private WorkerAttempt finishLocked() {
        done = true;
        WorkerAttempt a = attempt;
        attempt = null;
        pending.forEach(InboundMessage::release);
        pending.clear();
        replay.stop();
        if (heldResponse != null) {
            heldResponse.release();
            heldResponse = null;
        }
        if (lease != null) {
            lease.close();
            lease = null;
        }
        gateway.callEnded(this);
        return a != null && a.call != null ? a : null;
    }

    // ---- the worker's side (worker connection's event loop) ---------------------------------------------

    /** Whether {@code a} is the live attempt (caller holds the lock): callbacks of an abandoned one are ignored. */
    boolean isCurrent(WorkerAttempt a) {
        return !done && attempt == a;
    }

    /** A response message from the worker of attempt {@code a}. */
    void onWorkerMessage(WorkerAttempt a, InboundMessage message) {
        synchronized (this) {
            if (!isCurrent(a)) {
                message.release();
                return;
            }
            replay.stop(); // the worker is running the call: it can no longer answer MOVED
            if (!dedicated) {
                if (heldResponse != null) { // more than one reply to a unary call: pass them on as they are
                    sendDown(a, heldResponse);
                }
                heldResponse = message; // sent with the STATUS in one write
                return;
            }
            sendDown(a, message);
        }
    }

    /** Passes one response message on to the client (caller holds the lock); pauses the worker when the client is behind. */
    private void sendDown(WorkerAttempt a, InboundMessage message) {
        try {
            downstream.sendMessage(PayloadWriter.copyOf(message));
        } catch (RuntimeException e) {
            Status s = Status.fromThrowable(e);
            message.release();
            if (heldResponse == message) {
                heldResponse = null;
            }
            a.call.cancel(s);
            return;
        }
        message.release();
        if (heldResponse == message) {
            heldResponse = null;
        }
        if (a.downstream != null) {
            a.downstream.holdIfBlocked();
        }
    }

    /** The worker ended attempt {@code a}: re-routes once after a MOVED, else ends the call towards the client. */
    void onWorkerClose(WorkerAttempt a, Status status, Metadata trailers) {
        MemberId reroute = null;
        synchronized (this) {
            if (!isCurrent(a)) {
                return;
            }
            if (status.code() == StatusCode.MOVED && !rerouted && replay.isReplayable()) {
                reroute = SessionRouting.movedTarget(gateway.routingTable(), header.sessionId(), a.worker, status,
                        trailers);
            }
            if (reroute != null) {
                rerouted = true;
                attempt = null;
                replay.requeueInto(pending);
                workerHalfClosed = false;
                log.debug("call {} of session {} moved from {} to {}; re-routing", header.method(),
                        header.sessionId(), a.worker, reroute);
            } else {
                SessionRouting.recordAnnounced(gateway.routingTable(), a.worker, header.method(), trailers);
                InboundMessage held = heldResponse;
                heldResponse = null;
                WorkerAttempt self = finishLocked();
                assert self == a || self == null;
                if (held != null) {
                    try {
                        downstream.sendMessageAndStatus(PayloadWriter.copyOf(held), status,
                                trailers == null || trailers.isEmpty() ? null : trailers);
                    } catch (RuntimeException e) {
                        downstream.sendStatus(Status.fromThrowable(e), null);
                    } finally {
                        held.release();
                    }
                } else {
                    downstream.sendStatus(status, trailers); // trailers travel to the client unchanged
                }
            }
        }
        if (reroute != null) {
            route(reroute);
        }
    }
}
