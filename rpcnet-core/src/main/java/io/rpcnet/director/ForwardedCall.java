package io.rpcnet.director;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.registry.LoadTracker;
import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.transport.ClientCallListener;
import io.rpcnet.transport.ClientConnection;
import io.rpcnet.transport.ClientTransportCall;
import io.rpcnet.transport.InboundMessage;
import io.rpcnet.transport.PayloadWriter;
import io.rpcnet.transport.ServerCallListener;
import io.rpcnet.transport.ServerTransportCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One call through the director: the client's side ({@link ServerCallListener}, on the gateway's event loop)
 * and the worker's side (an {@link Attempt}, on the worker connection's event loop, normally the same thread:
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
    private Attempt attempt;
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
            } catch (java.util.concurrent.RejectedExecutionException e) { // the director is shutting down
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
        long timeoutMicros = header.timeoutMicros();
        if (timeoutMicros > 0) {
            timeoutMicros -= TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - acceptedNanos);
            if (timeoutMicros <= 0) {
                return Status.of(StatusCode.DEADLINE_EXCEEDED, "deadline passed in the director before the call"
                        + " reached a worker");
            }
        }
        CallHeader forwarded = timeoutMicros == header.timeoutMicros() ? header
                : new CallHeader(header.method(), timeoutMicros, header.sessionId(), header.metadata());
        InboundMessage first = pending.poll();
        boolean endAfterFirst = clientHalfClosed && pending.isEmpty();
        Attempt a = new Attempt(target);
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
    private void sendUp(Attempt a, InboundMessage m, boolean end) {
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
            Attempt a = attempt;
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
            Attempt a = attempt;
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
        Attempt a;
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
        Attempt a;
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
    private Attempt finishLocked() {
        done = true;
        Attempt a = attempt;
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

    /** One attempt at the call on one worker; callbacks of an abandoned attempt are ignored. */
    private final class Attempt implements ClientCallListener {
        final MemberId worker;
        ClientTransportCall call;
        // streaming calls only (a unary call's messages share a lane; there is nothing to hold back):
        final BackpressureRelay upstream; // client -> worker: the client waits while the worker's stream is full
        final BackpressureRelay downstreamRelay; // worker -> client: the worker waits while the client is full

        Attempt(MemberId worker) {
            this.worker = worker;
            if (!dedicated) {
                this.upstream = null;
                this.downstreamRelay = null;
                return;
            }
            Object lock = ForwardedCall.this;
            this.upstream = new BackpressureRelay(gateway.scheduler(), lock,
                    () -> !done && attempt == this && call != null && !call.isReady(),
                    downstream::pauseInbound, downstream::resumeInbound);
            this.downstreamRelay = new BackpressureRelay(gateway.scheduler(), lock,
                    () -> !done && attempt == this && !downstream.isReady(),
                    () -> call.pauseInbound(), () -> call.resumeInbound());
        }

        @Override
        public void onMessage(InboundMessage message) {
            synchronized (ForwardedCall.this) {
                if (done || attempt != this) {
                    message.release();
                    return;
                }
                replay.stop(); // the worker is running the call: it can no longer answer MOVED
                if (!dedicated) {
                    if (heldResponse != null) { // more than one reply to a unary call: pass them on as they are
                        sendDown(heldResponse);
                    }
                    heldResponse = message; // sent with the STATUS in one write
                    return;
                }
                sendDown(message);
            }
        }

        private void sendDown(InboundMessage message) {
            try {
                downstream.sendMessage(PayloadWriter.copyOf(message));
            } catch (RuntimeException e) {
                Status s = Status.fromThrowable(e);
                message.release();
                if (heldResponse == message) {
                    heldResponse = null;
                }
                call.cancel(s);
                return;
            }
            message.release();
            if (heldResponse == message) {
                heldResponse = null;
            }
            if (downstreamRelay != null) {
                downstreamRelay.holdIfBlocked();
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            MemberId reroute = null;
            synchronized (ForwardedCall.this) {
                if (done || attempt != this) {
                    return;
                }
                if (status.code() == StatusCode.MOVED && !rerouted && replay.isReplayable()) {
                    reroute = SessionRouting.movedTarget(gateway.routingTable(), header.sessionId(), worker, status,
                            trailers);
                }
                if (reroute != null) {
                    rerouted = true;
                    attempt = null;
                    replay.requeueInto(pending);
                    workerHalfClosed = false;
                    log.debug("call {} of session {} moved from {} to {}; re-routing", header.method(),
                            header.sessionId(), worker, reroute);
                } else {
                    SessionRouting.recordAnnounced(gateway.routingTable(), worker, header.method(), trailers);
                    InboundMessage held = heldResponse;
                    heldResponse = null;
                    Attempt self = finishLocked();
                    assert self == this || self == null;
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
}
