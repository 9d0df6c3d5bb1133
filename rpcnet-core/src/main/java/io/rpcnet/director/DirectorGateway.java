package io.rpcnet.director;

import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.Subscription;
import io.rpcnet.cluster.TagFilter;
import io.rpcnet.cluster.Tags;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.protocol.CallHeader;
import io.rpcnet.protocol.Metadata;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.Status;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.session.Moved;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.IoThreads;
import io.rpcnet.transport.QuicClientEndpoint;
import io.rpcnet.transport.QuicServerEndpoint;
import io.rpcnet.transport.ServerCallListener;
import io.rpcnet.transport.ServerTls;
import io.rpcnet.transport.ServerTransportCall;
import io.rpcnet.transport.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The director's data plane: a QUIC endpoint that accepts calls for any method and forwards them, bytes
 * untouched, to a worker over pooled director→worker connections. A call with a session id goes to the
 * session's owner in the {@link RoutingTable} (an unknown session is SESSION_LOST); a call without one goes
 * to a worker chosen by the {@link WorkerRegistry} among those matching the worker filter (default
 * {@code role=worker}). Unary and streaming calls, deadlines (the remaining time is passed on), metadata and
 * cancellation travel both ways; a worker's MOVED answer is re-routed once (see {@link Moved}).
 *
 * <p>A migration's cut-over can {@linkplain #hold(String) hold} a session's new calls while its in-flight
 * ones finish. The routes of a worker that FAILED or LEFT are forgotten, so its sessions' next calls get
 * SESSION_LOST.
 *
 * <p>Nothing here blocks an event loop: connections are dialled on separate threads, worker calls start
 * on the worker connection's own event loop, and backpressure pauses the reading side rather than waiting.
 * Client-facing (one socket per thread with epoll) and worker-facing connections share the gateway's I/O threads
 * ({@code eventLoopThreads} of {@link Builder#settings}; 0 = one per core), and a call leaves by a worker
 * connection on the thread it arrived on, so forwarding needs no hand-over between threads.
 */
public final class DirectorGateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirectorGateway.class);
    /** The default filter of workers that take calls without a session. */
    public static final TagFilter DEFAULT_WORKER_FILTER = TagFilter.of(Tags.ROLE, "worker");

    private final Builder config;
    private final WorkerRegistry registry;
    private final RoutingTable routingTable;
    private final TagFilter workerFilter;
    private final AtomicInteger activeCalls = new AtomicInteger();
    private final SessionGates gates = new SessionGates();
    private Subscription membership;
    private IoThreads ioThreads;
    private QuicClientEndpoint clientEndpoint;
    private ExecutorService connector;
    private ScheduledExecutorService scheduler;
    private WorkerConnections connections;
    private volatile QuicServerEndpoint endpoint;

    private DirectorGateway(Builder config) {
        this.config = config;
        this.registry = Objects.requireNonNull(config.registry, "registry");
        this.routingTable = config.routingTable == null ? new RoutingTable() : config.routingTable;
        this.workerFilter = config.workerFilter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the endpoint and starts forwarding; returns this gateway. */
    public synchronized DirectorGateway start() {
        if (endpoint != null) {
            throw new IllegalStateException("gateway already started");
        }
        Objects.requireNonNull(config.tls, "TLS is required: configure the director's certificate and key");
        Objects.requireNonNull(config.workerTls, "workerTls is required to reach the workers");
        connector = Executors.newCachedThreadPool(daemon("rpcnet-director-connect"));
        scheduler = Executors.newSingleThreadScheduledExecutor(daemon("rpcnet-director-timer"));
        // one set of I/O threads for both sides: a call goes on to its worker from the thread it arrived on, and
        // each datagram's calls go on before the next datagram is read (cut-through, see IoThreads)
        ioThreads = IoThreads.forwarding(config.settings.eventLoopThreads(), "rpcnet-director");
        clientEndpoint = new QuicClientEndpoint(config.workerTls, config.workerSettings, ioThreads);
        connections = new WorkerConnections(clientEndpoint, connector, config.migrationModes);
        try {
            endpoint = QuicServerEndpoint.start(config.bindAddress, config.tls, config.settings, this::accept,
                    config.migrationModes, ioThreads);
        } catch (RuntimeException e) {
            stopResources();
            throw e;
        }
        membership = registry.subscribe(new DepartedWorkers(registry, routingTable));
        log.info("RpcNet director gateway listening on {}, forwarding to workers matching {}",
                endpoint.localAddress(), workerFilter);
        return this;
    }

    private ServerCallListener accept(ServerTransportCall call, CallHeader header) {
        String sessionId = header.sessionId();
        if (sessionId == null) {
            MemberId worker;
            try {
                worker = registry.require(workerFilter).id();
            } catch (RpcException e) {
                throw new RpcException(Status.notProcessed(e.code(), e.getMessage()), e);
            }
            ForwardedCall forwarded = new ForwardedCall(this, call, header);
            activeCalls.incrementAndGet();
            forwarded.route(worker);
            return forwarded;
        }
        ForwardedCall forwarded = new ForwardedCall(this, call, header);
        activeCalls.incrementAndGet();
        CallHold hold = gates.admit(sessionId, forwarded); // in flight from here on, or waiting for a release
        if (hold != null) {
            log.debug("call {} of session {} waits for the hold to be released", header.method(), sessionId);
            hold.waiting(forwarded);
            return forwarded;
        }
        RoutingTable.Route route = routingTable.route(sessionId).orElse(null);
        if (route == null) {
            forwarded.fail(sessionLost(sessionId));
        } else {
            forwarded.route(route.owner());
        }
        return forwarded;
    }

    private static Status sessionLost(String sessionId) {
        return Status.of(StatusCode.SESSION_LOST, "session '" + sessionId + "' is not known to the director: it"
                + " expired, was closed, its worker is gone, or its state was lost; open a new session");
    }

    /**
     * Holds the session's new calls: from now on they are accepted but wait in the director until
     * {@link CallHold#release()}, which routes them by the routing table as it is then. Calls forwarded before
     * the hold continue; {@link CallHold#inFlightDrained()} tells when they have all ended. Used by a migration's
     * cut-over: hold, wait for the drain, switch the route ({@link RoutingTable#switchOwner}), release.
     *
     * @throws IllegalStateException if the session is already held
     */
    public CallHold hold(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        CallHold hold = new CallHold(this, gates, sessionId);
        int inFlight = gates.hold(sessionId, hold);
        if (inFlight == 0) {
            hold.drainedAtStart();
        }
        log.info("session {} held: its new calls wait in the director; {} call(s) in flight", sessionId, inFlight);
        return hold;
    }

    /** Calls of the session forwarded (or released from a hold) and not ended yet; for diagnostics. */
    public int inFlight(String sessionId) {
        return sessionId == null ? 0 : gates.inFlight(sessionId);
    }

    /** Streaming calls of the session forwarded (or released from a hold) and not ended yet. */
    public int inFlightStreams(String sessionId) {
        return sessionId == null ? 0 : gates.streamCount(sessionId);
    }

    /**
     * Ends the session's in-flight streaming calls: each gets {@code status} and {@code trailers} (null: none)
     * towards its client and is cancelled towards its worker. Unary calls, and calls waiting on a hold, are
     * left alone. Used by a drain's cut-over (see {@code StreamInterruption}); returns how many ended here.
     */
    public int interruptStreams(String sessionId, Status status, Metadata trailers) {
        return gates.interruptStreams(Objects.requireNonNull(sessionId, "sessionId"),
                Objects.requireNonNull(status, "status"), trailers);
    }

    /** Routes the calls a released hold kept, by the route the session has now, on a thread of the director. */
    void releaseHeld(CallHold hold, List<ForwardedCall> waiting) {
        String sessionId = hold.sessionId();
        RoutingTable.Route route = routingTable.route(sessionId).orElse(null);
        log.info("session {} released after {} ms: {} held call(s) go to {}", sessionId,
                hold.elapsed().toMillis(), waiting.size(),
                route == null ? "nobody (session lost)" : route.owner() + " (epoch " + route.epoch() + ")");
        if (waiting.isEmpty()) {
            return;
        }
        Runnable routeAll = () -> {
            for (ForwardedCall call : waiting) {
                if (route == null) {
                    call.fail(sessionLost(sessionId));
                } else {
                    call.route(route.owner());
                }
            }
        };
        if (!execute(routeAll)) {
            Status closing = Status.notProcessed(StatusCode.UNAVAILABLE, "director is shutting down");
            waiting.forEach(call -> call.fail(closing));
        }
    }

    /**
     * Completes {@code future} (normally if {@code failure} is null) on a director thread, so that its dependents
     * never run under a call's lock nor on a network thread.
     */
    void completeAsync(CompletableFuture<Void> future, Throwable failure) {
        Runnable complete = failure == null ? () -> future.complete(null) : () -> future.completeExceptionally(failure);
        if (!execute(complete)) {
            ForkJoinPool.commonPool().execute(complete);
        }
    }

    /** Runs {@code task} on the gateway's timer after {@code delayNanos}; null if the gateway is not running. */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        ScheduledExecutorService s = scheduler;
        try {
            return s == null ? null : s.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private boolean execute(Runnable task) {
        ExecutorService c = connector;
        try {
            if (c != null) {
                c.execute(task);
                return true;
            }
        } catch (RejectedExecutionException e) {
            // shutting down
        }
        return false;
    }

    public InetSocketAddress localAddress() {
        return requireStarted().localAddress();
    }

    public int port() {
        return localAddress().getPort();
    }

    public RoutingTable routingTable() {
        return routingTable;
    }

    public WorkerRegistry registry() {
        return registry;
    }

    public TagFilter workerFilter() {
        return workerFilter;
    }

    /** Calls being forwarded right now. */
    public int activeCalls() {
        return activeCalls.get();
    }

    /** Client-side QUIC streams open on the director (a leak shows as a number that never returns to zero). */
    public int openStreams() {
        QuicServerEndpoint e = endpoint;
        return e == null ? 0 : e.openStreams();
    }

    public int activeConnections() {
        QuicServerEndpoint e = endpoint;
        return e == null ? 0 : e.activeConnections();
    }

    /** Whether a live pooled connection to {@code worker} exists. */
    public boolean isConnectedTo(MemberId worker) {
        WorkerConnections c = connections;
        return c != null && c.isConnected(worker);
    }

    WorkerConnections connections() {
        return connections;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** A call ended (under its lock): it leaves the gateway's and its session's counts. */
    void callEnded(ForwardedCall call) {
        activeCalls.decrementAndGet();
        String sessionId = call.sessionId();
        if (sessionId != null) {
            CallHold drained = gates.ended(sessionId, call);
            if (drained != null) {
                log.debug("session {}: the calls in flight before the hold have ended", sessionId);
                drained.signalDrained();
            }
        }
    }

    SessionGates sessionGates() {
        return gates;
    }

    @Override
    public synchronized void close() {
        QuicServerEndpoint e = endpoint;
        if (e == null) {
            return;
        }
        endpoint = null;
        e.close();
        stopResources();
    }

    private void stopResources() {
        if (membership != null) {
            membership.close();
        }
        if (connections != null) {
            connections.close();
        }
        if (clientEndpoint != null) {
            clientEndpoint.close();
        }
        if (connector != null) {
            connector.shutdownNow();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (ioThreads != null) {
            ioThreads.close();
        }
    }

    private QuicServerEndpoint requireStarted() {
        QuicServerEndpoint e = endpoint;
        if (e == null) {
            throw new IllegalStateException("gateway not started");
        }
        return e;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Configuration of a gateway; TLS (its own identity, and trust for the workers) is mandatory. */
    public static final class Builder {
        private InetSocketAddress bindAddress = new InetSocketAddress(0);
        private ServerTls tls;
        private ClientTls workerTls;
        private TransportSettings settings = TransportSettings.defaults();
        private TransportSettings workerSettings = TransportSettings.defaults();
        private WorkerRegistry registry;
        private RoutingTable routingTable;
        private TagFilter workerFilter = DEFAULT_WORKER_FILTER;
        private List<String> migrationModes = List.of("gateway");

        private Builder() {
        }

        public Builder bindAddress(InetSocketAddress v) { bindAddress = Objects.requireNonNull(v); return this; }
        /** The director's own certificate, presented to clients. */
        public Builder tls(ServerTls v) { tls = v; return this; }
        /** Trust (and optional client identity) for the director→worker connections. */
        public Builder workerTls(ClientTls v) { workerTls = v; return this; }
        /** Transport settings of the client-facing endpoint; its {@code eventLoopThreads} sizes the I/O threads. */
        public Builder settings(TransportSettings v) { settings = Objects.requireNonNull(v); return this; }
        /** Transport settings of the director→worker connections. */
        public Builder workerSettings(TransportSettings v) { workerSettings = Objects.requireNonNull(v); return this; }
        public Builder registry(WorkerRegistry v) { registry = v; return this; }
        public Builder routingTable(RoutingTable v) { routingTable = v; return this; }
        /** Which workers take calls without a session (default {@code role=worker}). */
        public Builder workerFilter(TagFilter v) { workerFilter = Objects.requireNonNull(v); return this; }
        public Builder migrationModes(List<String> v) { migrationModes = List.copyOf(v); return this; }

        public DirectorGateway build() {
            return new DirectorGateway(this);
        }
    }
}
