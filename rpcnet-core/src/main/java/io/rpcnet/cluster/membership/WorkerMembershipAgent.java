package io.rpcnet.cluster.membership;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEventListener;
import io.rpcnet.cluster.ClusterMembership;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.Subscription;
import io.rpcnet.cluster.Tags;
import io.rpcnet.cluster.membership.MembershipService.ChallengeRequest;
import io.rpcnet.cluster.membership.MembershipService.Heartbeat;
import io.rpcnet.cluster.membership.MembershipService.HeartbeatAck;
import io.rpcnet.cluster.membership.MembershipService.JoinAccepted;
import io.rpcnet.cluster.membership.MembershipService.JoinChallenge;
import io.rpcnet.cluster.membership.MembershipService.JoinRequest;
import io.rpcnet.cluster.membership.MembershipService.LeaveRequest;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import io.rpcnet.server.RpcServer;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The worker's side of the embedded membership: joins every seed director over QUIC
 * ({@link MembershipService}), sends a heartbeat with its load to each of them every
 * {@linkplain Builder#heartbeatInterval interval} (default 500 ms), re-joins when a director asks for it or
 * was unreachable, and sends LEAVE on {@link #leave()} / {@link #close()}.
 *
 * <h2>Behaviour per director</h2>
 * <ul>
 *   <li>One exchange in flight at a time: a heartbeat whose predecessor has not finished is skipped, never
 *       queued, and its deadline ({@linkplain Builder#heartbeatTimeout heartbeat timeout}, default 80 % of the
 *       interval) is shorter than the interval, so a slow director cannot make heartbeats pile up.</li>
 *   <li>Join = {@code challenge} + {@code join} with the HMAC proof of the cluster secret (or a plain
 *       {@code join} when no secret is configured and the director requires client certificates, which
 *       {@link ClientTls#withIdentity} provides).</li>
 *   <li>A heartbeat ack {@code REJOIN} (the director has this incarnation FAILED or LEFT, or forgot it) or
 *       {@code STALE} raises the incarnation and joins every director again; UNAUTHENTICATED (token expired, or
 *       the director restarted) joins again with the same incarnation; a join refused with FAILED_PRECONDITION
 *       (stale incarnation) raises the incarnation and retries at once.</li>
 *   <li>Failures back off exponentially from the interval up to {@linkplain Builder#maxBackoff maxBackoff}
 *       (with jitter); a join refused as unauthenticated is retried at {@code maxBackoff} (maybe the secret gets
 *       fixed) and logged once per distinct reason.</li>
 * </ul>
 *
 * <h2>Incarnation</h2>
 * By default the wall-clock time in milliseconds when the agent is built, so a restarted process always
 * comes back with a higher incarnation (as long as the clock does not go back by more than the restart
 * takes); {@link Builder#incarnation(long)} sets it explicitly, e.g. from a counter the application persists.
 * It is raised to {@code max(current + 1, now in ms)} whenever a director requires it.
 *
 * <h2>The worker's view</h2>
 * As a {@link io.rpcnet.cluster.ClusterView} the agent lists the <em>directors</em> it has joined (id and address
 * = the seed {@code host:port}, tag {@code role=director}): ALIVE while exchanges succeed, SUSPECT after a
 * failed one, FAILED after three failures in a row, three intervals without success or a refusal, LEFT after
 * {@link #leave()}; events JOINED
 * (first acceptance), SUSPECT, FAILED, RECOVERED and LEFT follow those changes. The worker itself is
 * {@link #localMember()}.
 */
public final class WorkerMembershipAgent implements ClusterMembership {

    private static final Logger log = LoggerFactory.getLogger(WorkerMembershipAgent.class);
    /** Consecutive failed exchanges after which a director is FAILED in the worker's view and backoff starts. */
    static final int FAILURES_BEFORE_FAILED = 3;

    private enum State { NEW, ACTIVE, LEAVING, LEFT, CLOSED }

    private final MemberId id;
    private final String address;
    private final int weight;
    private final byte[] secret;
    private final Duration heartbeatInterval;
    private final Duration joinTimeout;
    private final Duration maxBackoff;
    private final Supplier<MemberLoad> load;
    private final List<DirectorLink> links;
    private final AtomicLong incarnation;
    private final ListenerList listeners = new ListenerList();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService io;
    private final Object lock = new Object();
    private volatile Map<String, String> tags;
    private final AtomicInteger tagsVersion = new AtomicInteger();
    private final List<PendingTags> pendingTags = new ArrayList<>();
    private volatile State state = State.NEW;
    private CompletableFuture<Void> joined = new CompletableFuture<>();

    private record PendingTags(int version, CompletableFuture<Void> future) {
    }

    private WorkerMembershipAgent(Builder b) {
        this.id = b.memberId;
        this.address = b.address;
        this.tags = Tags.copyOf(b.tags);
        this.weight = b.weight;
        this.secret = b.secret;
        this.heartbeatInterval = b.heartbeatInterval;
        this.joinTimeout = b.joinTimeout;
        this.maxBackoff = b.maxBackoff;
        this.load = b.load;
        this.incarnation = new AtomicLong(b.incarnation >= 0 ? b.incarnation : System.currentTimeMillis());
        Duration heartbeatTimeout = b.heartbeatTimeout != null ? b.heartbeatTimeout
                : Duration.ofNanos(heartbeatInterval.toNanos() * 4 / 5);
        TransportSettings settings = b.settings != null ? b.settings : defaultSettings(heartbeatInterval, joinTimeout);
        String name = "rpcnet-membership-" + id.value();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon(name + "-timer"));
        this.io = Executors.newCachedThreadPool(daemon(name + "-io"));
        List<DirectorLink> list = new ArrayList<>();
        try {
            for (String seed : b.seeds) {
                list.add(new DirectorLink(seed, b.tls, settings, heartbeatTimeout));
            }
        } catch (RuntimeException e) {
            list.forEach(DirectorLink::closeClient);
            scheduler.shutdownNow();
            io.shutdownNow();
            throw e;
        }
        this.links = List.copyOf(list);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Load of a worker from its RpcServer: in-flight calls ({@code activeCalls}), no sessions. */
    public static Supplier<MemberLoad> inFlightCallsOf(RpcServer server) {
        Objects.requireNonNull(server, "server");
        return () -> MemberLoad.of(0, server.activeCalls());
    }

    private static TransportSettings defaultSettings(Duration interval, Duration joinTimeout) {
        Duration idle = Duration.ofMillis(Math.max(5_000, interval.toMillis() * 10));
        return TransportSettings.builder()
                .lanes(1)
                .eventLoopThreads(1)
                .maxMessageSize(1024 * 1024)
                .streamWindow(1024 * 1024)
                .connectionWindow(2 * 1024 * 1024)
                .maxStreams(64)
                .socketBufferSize(256 * 1024)
                .idleTimeout(idle)                 // a director that vanished is noticed within this
                .keepAliveInterval(Duration.ZERO)  // heartbeats keep the connection busy
                .handshakeTimeout(joinTimeout)
                .build();
    }

    // ---- ClusterMembership --------------------------------------------------------------------------

    @Override
    public MemberId localMember() {
        return id;
    }

    /** The advertised {@code host:port} of this worker. */
    public String address() {
        return address;
    }

    /** The current incarnation. */
    public long incarnation() {
        return incarnation.get();
    }

    /** The current tags. */
    public Map<String, String> tags() {
        return tags;
    }

    /** Heartbeats not sent because the previous exchange with that director had not finished (all directors). */
    public long skippedHeartbeats() {
        return links.stream().mapToLong(l -> l.skipped.get()).sum();
    }

    /**
     * Whether at least one director currently has this worker: joined, and its last exchange succeeded or
     * only just failed (ALIVE or SUSPECT in this view). For health checks.
     */
    public boolean isJoined() {
        for (DirectorLink link : links) {
            MemberStatus s = link.status;
            if (link.token != null && (s == MemberStatus.ALIVE || s == MemberStatus.SUSPECT)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts joining every seed and heartbeating. The stage completes when the first director accepts this
     * worker; it fails with the refusal ({@link RpcException}, e.g. UNAUTHENTICATED) once every seed has refused
     * it, and stays pending while seeds are unreachable (the agent keeps trying with backoff either way).
     * Calling it again while joined returns the same outcome; after {@link #leave()} it joins again with a
     * higher incarnation.
     */
    @Override
    public CompletionStage<Void> join() {
        synchronized (lock) {
            switch (state) {
                case CLOSED -> throw new IllegalStateException("membership agent of '" + id + "' is closed");
                case ACTIVE -> {
                    return joined.copy();
                }
                case LEAVING -> throw new IllegalStateException("membership agent of '" + id + "' is leaving");
                case LEFT -> raiseIncarnation(incarnation.get());
                case NEW -> scheduler.scheduleAtFixedRate(this::tick, heartbeatInterval.toNanos(),
                        heartbeatInterval.toNanos(), TimeUnit.NANOSECONDS);
                default -> {
                }
            }
            joined = new CompletableFuture<>();
            for (DirectorLink link : links) {
                link.reset();
            }
            state = State.ACTIVE;
            log.info("member '{}' ({}, incarnation {}) joining {}", id, address, incarnation.get(),
                    links.stream().map(l -> l.seed).toList());
            scheduler.execute(this::tick); // at once, not at the next period
            return joined.copy();
        }
    }

    /**
     * Replaces this worker's tags; each director sees TAGS_UPDATED. Completes when the first director accepted
     * them (at once if not joined: they are sent with the next join).
     */
    @Override
    public CompletionStage<Void> updateTags(Map<String, String> newTags) {
        Map<String, String> checked = Tags.copyOf(newTags);
        synchronized (lock) {
            tags = checked;
            int version = tagsVersion.incrementAndGet();
            if (state != State.ACTIVE) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> future = new CompletableFuture<>();
            pendingTags.add(new PendingTags(version, future));
            scheduler.execute(this::tick);
            return future.copy();
        }
    }

    /**
     * Stops heartbeating and sends LEAVE to every director that accepted this worker (waiting for an exchange
     * in progress first); directors then show it as LEFT. Completes when every director answered or failed.
     */
    @Override
    public CompletionStage<Void> leave() {
        synchronized (lock) {
            if (state != State.ACTIVE) {
                return CompletableFuture.completedFuture(null);
            }
            state = State.LEAVING;
            if (!joined.isDone()) {
                joined.completeExceptionally(new IllegalStateException("member '" + id + "' left before joining"));
            }
            failPendingTags(new IllegalStateException("member '" + id + "' left"));
        }
        boolean wasJoined = isJoined();
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (DirectorLink link : links) {
            try {
                sends.add(CompletableFuture.runAsync(link::leave, io));
            } catch (RejectedExecutionException closed) {
                // closed concurrently
            }
        }
        return CompletableFuture.allOf(sends.toArray(new CompletableFuture[0])).handle((v, e) -> {
            synchronized (lock) {
                if (state == State.LEAVING) {
                    state = State.LEFT;
                }
            }
            if (wasJoined) {
                log.info("member '{}' (incarnation {}) left the cluster", id, incarnation.get());
            }
            return null;
        });
    }

    /** Leaves (if joined, waiting at most about two join timeouts) and releases threads and connections. */
    @Override
    public void close() {
        CompletionStage<Void> leaving;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            leaving = state == State.ACTIVE ? leave() : CompletableFuture.completedFuture(null);
        }
        try {
            leaving.toCompletableFuture().get(joinTimeout.toMillis() * 2 + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("leave of '{}' did not finish: {}", id, e.toString());
        }
        shutdown();
    }

    /**
     * Stops at once <em>without</em> LEAVE and closes the connections, as a crash looks to the directors
     * (they detect it as SUSPECT, then FAILED). For tests, benchmarks and failure drills.
     */
    public void closeAbruptly() {
        shutdown();
    }

    private void shutdown() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            if (!joined.isDone()) {
                joined.completeExceptionally(new IllegalStateException("membership agent of '" + id + "' closed"));
            }
            failPendingTags(new IllegalStateException("membership agent of '" + id + "' closed"));
        }
        scheduler.shutdownNow();
        io.shutdownNow();
        links.forEach(DirectorLink::closeClient);
    }

    // ---- ClusterView (the directors) ----------------------------------------------------------------

    @Override
    public List<Member> members() {
        List<Member> list = new ArrayList<>();
        for (DirectorLink link : links) {
            Member m = link.snapshot;
            if (m != null) {
                list.add(m);
            }
        }
        list.sort((a, b) -> a.id().compareTo(b.id()));
        return list;
    }

    @Override
    public Optional<Member> member(MemberId memberId) {
        for (DirectorLink link : links) {
            Member m = link.snapshot;
            if (m != null && m.id().equals(memberId)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Always false: partitions are judged by directors. */
    @Override
    public boolean isPartitioned() {
        return false;
    }

    @Override
    public Subscription subscribe(ClusterEventListener listener) {
        return listeners.subscribe(listener);
    }

    @Override
    public String toString() {
        return "WorkerMembershipAgent[" + id + " " + address + " #" + incarnation.get() + " " + state + "]";
    }

    // ---- internals ----------------------------------------------------------------------------------

    private void tick() {
        if (state != State.ACTIVE) {
            return;
        }
        for (DirectorLink link : links) {
            link.trigger();
        }
    }

    /** Raises the incarnation above {@code seen} unless that already happened; returns the current one. */
    private long raiseIncarnation(long seen) {
        return incarnation.updateAndGet(current -> current > seen ? current
                : Math.max(current + 1, System.currentTimeMillis()));
    }

    private void onAccepted(int acceptedTagsVersion) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        CompletableFuture<Void> join;
        synchronized (lock) {
            join = state == State.ACTIVE ? joined : null;
            pendingTags.removeIf(p -> {
                if (p.version() <= acceptedTagsVersion) {
                    done.add(p.future());
                    return true;
                }
                return false;
            });
        }
        if (join != null && join.complete(null)) {
            log.info("member '{}' (incarnation {}) joined the cluster", id, incarnation.get());
        }
        done.forEach(f -> f.complete(null));
    }

    private void onRefused(RpcException refusal) {
        CompletableFuture<Void> join;
        synchronized (lock) {
            join = joined;
            for (DirectorLink link : links) {
                if (link.refusal == null) {
                    return; // someone may still accept
                }
            }
        }
        join.completeExceptionally(refusal);
    }

    private void failPendingTags(Exception e) {
        pendingTags.forEach(p -> p.future().completeExceptionally(e));
        pendingTags.clear();
    }

    private MemberLoad currentLoad() {
        try {
            MemberLoad l = load.get();
            return l == null ? MemberLoad.ZERO : l;
        } catch (RuntimeException e) {
            log.debug("load supplier of '{}' failed", id, e);
            return MemberLoad.ZERO;
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static boolean isRefusal(StatusCode code) {
        return code == StatusCode.UNAUTHENTICATED || code == StatusCode.PERMISSION_DENIED
                || code == StatusCode.INVALID_ARGUMENT || code == StatusCode.UNIMPLEMENTED;
    }

    /** The agent's relation with one director: its client, token, failure count and backoff. */
    private final class DirectorLink {
        final String seed;
        final MemberId directorId;
        final RpcClient client;
        final MembershipService calls;       // join timeout
        final MembershipService heartbeats;  // heartbeat timeout
        /** One exchange at a time: ticks skip when taken, leave waits for it. */
        final Semaphore exchange = new Semaphore(1);
        // written only by the thread holding the exchange permit
        volatile String token;
        long tokenIncarnation = -1;
        int sentTagsVersion = -1;
        int failures;
        long retryAtNanos = System.nanoTime();
        long lastSuccessNanos;
        volatile MemberStatus status;
        volatile RpcException refusal;
        String lastProblem;
        volatile Member snapshot;
        final AtomicLong skipped = new AtomicLong();

        DirectorLink(String seed, ClientTls tls, TransportSettings settings, Duration heartbeatTimeout) {
            this.seed = seed;
            this.directorId = MemberId.of(seed);
            HostPort hp = HostPort.parse(seed);
            this.client = RpcClient.builder().target(hp.host(), hp.port()).tls(tls).settings(settings)
                    .defaultTimeout(joinTimeout).build();
            this.calls = client.proxy(MembershipService.class, CallOptions.DEFAULT.withTimeout(joinTimeout));
            this.heartbeats = client.proxy(MembershipService.class, CallOptions.DEFAULT.withTimeout(heartbeatTimeout));
        }

        void reset() {
            token = null;
            tokenIncarnation = -1;
            failures = 0;
            retryAtNanos = System.nanoTime(); // nanoTime may be negative: never compare with 0
            refusal = null;
            lastProblem = null;
        }

        void trigger() {
            if (!exchange.tryAcquire()) {
                skipped.incrementAndGet();
                return;
            }
            try {
                io.execute(() -> {
                    try {
                        if (state == State.ACTIVE && System.nanoTime() - retryAtNanos >= 0) {
                            step();
                        }
                    } catch (RuntimeException e) {
                        log.warn("membership exchange of '{}' with {} failed", id, seed, e);
                    } finally {
                        exchange.release();
                    }
                });
            } catch (RejectedExecutionException closed) {
                exchange.release();
            }
        }

        private void step() {
            long inc = incarnation.get();
            if (token == null || tokenIncarnation != inc || sentTagsVersion != tagsVersion.get()) {
                join(inc);
            } else {
                heartbeat(inc);
            }
        }

        private void join(long inc) {
            for (int attempt = 0; ; attempt++) {
                try {
                    String nonce = null;
                    String proof = null;
                    if (secret != null) {
                        JoinChallenge challenge = calls.challenge(new ChallengeRequest(id.value()));
                        if (challenge == null || challenge.nonce() == null) {
                            throw new RpcException(StatusCode.INTERNAL, "director sent no challenge nonce");
                        }
                        nonce = challenge.nonce();
                        proof = MembershipAuth.joinProof(secret, nonce, id.value(), address, inc);
                    }
                    int version = tagsVersion.get();
                    Map<String, String> sentTags = tags;
                    MemberLoad l = currentLoad();
                    JoinAccepted accepted = calls.join(new JoinRequest(id.value(), address, sentTags, inc, weight,
                            l.activeSessions(), l.inFlightCalls(), nonce, proof));
                    if (accepted == null || accepted.token() == null) {
                        throw new RpcException(StatusCode.INTERNAL, "director sent no member token");
                    }
                    token = accepted.token();
                    tokenIncarnation = inc;
                    sentTagsVersion = version;
                    log.debug("member '{}' #{} {} by {}", id, inc, accepted.result(), seed);
                    succeeded(version);
                    return;
                } catch (RpcException e) {
                    if (e.code() == StatusCode.FAILED_PRECONDITION && attempt == 0 && state == State.ACTIVE) {
                        log.info("director {}: {}; raising the incarnation", seed, e.status().message());
                        inc = raiseIncarnation(inc);
                        continue;
                    }
                    failed(e, true);
                    return;
                }
            }
        }

        private void heartbeat(long inc) {
            HeartbeatAck ack;
            try {
                MemberLoad l = currentLoad();
                ack = heartbeats.heartbeat(new Heartbeat(id.value(), inc, token, l.activeSessions(), l.inFlightCalls()));
            } catch (RpcException e) {
                if (e.code() == StatusCode.UNAUTHENTICATED) {
                    log.info("director {} refused the member token of '{}' ({}); joining again", seed, id,
                            e.status().message());
                    token = null;
                    join(inc);
                } else {
                    failed(e, false);
                }
                return;
            }
            if (ack == null || ack.action() == null) {
                failed(new RpcException(StatusCode.INTERNAL, "empty heartbeat ack"), false);
                return;
            }
            switch (ack.action()) {
                case OK -> {
                    if (ack.token() != null) {
                        token = ack.token();
                    }
                    succeeded(sentTagsVersion);
                }
                case REJOIN -> {
                    log.info("director {} asks '{}' to join again (incarnation {} FAILED, LEFT or forgotten)", seed,
                            id, inc);
                    join(raiseIncarnation(inc));
                }
                case STALE -> {
                    log.warn("director {} knows a newer incarnation of '{}' than {}: does another process use this "
                            + "member id?", seed, id, inc);
                    join(raiseIncarnation(inc));
                }
            }
        }

        private void succeeded(int acceptedTagsVersion) {
            failures = 0;
            lastSuccessNanos = System.nanoTime();
            retryAtNanos = System.nanoTime();
            refusal = null;
            if (lastProblem != null) {
                log.info("director {} accepts '{}' again", seed, id);
                lastProblem = null;
            }
            MemberStatus before = status;
            setStatus(MemberStatus.ALIVE);
            if (before == null || before == MemberStatus.LEFT) {
                emit(ClusterEvent.Type.JOINED);
            } else if (before != MemberStatus.ALIVE) {
                emit(ClusterEvent.Type.RECOVERED);
            }
            onAccepted(acceptedTagsVersion);
        }

        private void failed(RpcException e, boolean joining) {
            failures++;
            boolean refused = isRefusal(e.code());
            String problem = e.code() + ": " + e.status().message();
            if (!problem.equals(lastProblem)) {
                if (refused) {
                    log.warn("director {} refused {} of '{}': {}", seed, joining ? "the join" : "a heartbeat", id, problem);
                } else {
                    log.info("director {} unreachable for '{}': {}", seed, id, problem);
                }
                lastProblem = problem;
            }
            long delay;
            if (refused) {
                delay = maxBackoff.toNanos();
            } else if (joining || failures >= FAILURES_BEFORE_FAILED) {
                int exponent = Math.min(20, joining ? failures - 1 : failures - FAILURES_BEFORE_FAILED);
                delay = Math.min(maxBackoff.toNanos(), heartbeatInterval.toNanos() << exponent);
            } else {
                delay = 0; // try again at the next tick
            }
            if (delay > 0) {
                delay += (long) (delay * 0.2 * ThreadLocalRandom.current().nextDouble());
            }
            retryAtNanos = System.nanoTime() + delay;
            if (status != null && status != MemberStatus.LEFT) {
                boolean silent = System.nanoTime() - lastSuccessNanos
                        >= FAILURES_BEFORE_FAILED * heartbeatInterval.toNanos();
                MemberStatus next = refused || silent || failures >= FAILURES_BEFORE_FAILED ? MemberStatus.FAILED
                        : MemberStatus.SUSPECT;
                MemberStatus before = status;
                if (next != before && !(before == MemberStatus.FAILED && next == MemberStatus.SUSPECT)) {
                    setStatus(next);
                    if (before == MemberStatus.ALIVE && next == MemberStatus.FAILED) {
                        emit(ClusterEvent.Type.SUSPECT);
                    }
                    emit(next == MemberStatus.FAILED ? ClusterEvent.Type.FAILED : ClusterEvent.Type.SUSPECT);
                }
            }
            if (refused) {
                refusal = e;
                onRefused(e);
            }
        }

        void leave() {
            boolean acquired = false;
            try {
                acquired = exchange.tryAcquire(joinTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
                String t = token;
                if (t != null) {
                    calls.leave(new LeaveRequest(id.value(), tokenIncarnation, t));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RpcException e) {
                log.info("leave of '{}' at {} failed: {}", id, seed, e.toString());
            } finally {
                token = null;
                if (status != null && status != MemberStatus.LEFT) {
                    setStatus(MemberStatus.LEFT);
                    emit(ClusterEvent.Type.LEFT);
                }
                if (acquired) {
                    exchange.release();
                }
            }
        }

        private void setStatus(MemberStatus next) {
            status = next;
            snapshot = new Member(directorId, seed, Map.of(Tags.ROLE, "director"), 0, Member.DEFAULT_WEIGHT,
                    MemberLoad.ZERO, next, System.nanoTime(), 0.0);
        }

        private void emit(ClusterEvent.Type type) {
            listeners.emit(ClusterEvent.of(type, snapshot, System.nanoTime(), Instant.now()));
        }

        void closeClient() {
            client.close();
        }
    }

    /** {@code host:port} or {@code [v6]:port}. */
    record HostPort(String host, int port) {
        static HostPort parse(String text) {
            Objects.requireNonNull(text, "seed");
            String s = text.strip();
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new IllegalArgumentException("seed must be host:port: \"" + text + "\"");
            }
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("IPv6 seeds must be bracketed, [addr]:port: \"" + text + "\"");
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("seed port is not a number: \"" + text + "\"");
            }
            if (port < 1 || port > 65535 || host.isBlank()) {
                throw new IllegalArgumentException("seed must be host:port with port 1..65535: \"" + text + "\"");
            }
            return new HostPort(host, port);
        }
    }

    /** Configuration of a {@link WorkerMembershipAgent}. */
    public static final class Builder {
        private MemberId memberId;
        private String address;
        private Map<String, String> tags = new LinkedHashMap<>();
        private int weight = Member.DEFAULT_WEIGHT;
        private final List<String> seeds = new ArrayList<>();
        private byte[] secret;
        private ClientTls tls;
        private TransportSettings settings;
        private Duration heartbeatInterval = Duration.ofMillis(500);
        private Duration heartbeatTimeout;
        private Duration joinTimeout = Duration.ofSeconds(2);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private Supplier<MemberLoad> load = () -> MemberLoad.ZERO;
        private long incarnation = -1;

        private Builder() {
        }

        /** This worker's stable id (required). */
        public Builder memberId(String id) {
            return memberId(MemberId.of(id));
        }

        public Builder memberId(MemberId id) {
            this.memberId = Objects.requireNonNull(id, "memberId");
            return this;
        }

        /** {@code host:port} where clients and directors reach this worker's RpcServer (required). */
        public Builder advertisedAddress(String hostPort) {
            this.address = Objects.requireNonNull(hostPort, "advertisedAddress");
            return this;
        }

        /** The complete tag set (replaces earlier tags). */
        public Builder tags(Map<String, String> tags) {
            this.tags = new LinkedHashMap<>(tags);
            return this;
        }

        public Builder tag(String key, String value) {
            this.tags.put(key, value);
            return this;
        }

        /** Relative capacity for weighted balancing (default 1). */
        public Builder weight(int weight) {
            this.weight = weight;
            return this;
        }

        /** Director addresses ({@code host:port}; the host is also the name its certificate must carry). */
        public Builder seeds(List<String> seeds) {
            this.seeds.clear();
            seeds.forEach(this::seed);
            return this;
        }

        public Builder seed(String hostPort) {
            HostPort.parse(hostPort);
            this.seeds.add(hostPort.strip());
            return this;
        }

        /**
         * The shared cluster secret (at least 32 bytes). Without it the agent joins without proof, which only
         * directors requiring client certificates accept (give the TLS an identity with
         * {@link ClientTls#withIdentity}).
         */
        public Builder secret(byte[] secret) {
            this.secret = MembershipAuth.requireSecret(secret);
            return this;
        }

        /** The cluster secret as text (its UTF-8 bytes). */
        public Builder secret(String secret) {
            this.secret = MembershipAuth.requireSecret(secret);
            return this;
        }

        /** Trust for the directors' certificates, optionally with a client identity (required). */
        public Builder tls(ClientTls tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /**
         * Transport settings of the connections to directors. Default: small windows, one lane, one I/O thread,
         * idle timeout {@code max(5 s, 10 × interval)}, handshake timeout = join timeout.
         */
        public Builder transportSettings(TransportSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Default 500 ms. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = positive("heartbeatInterval", interval);
            return this;
        }

        /** Deadline of one heartbeat; must be shorter than the interval (default 80 % of it). */
        public Builder heartbeatTimeout(Duration timeout) {
            this.heartbeatTimeout = positive("heartbeatTimeout", timeout);
            return this;
        }

        /** Deadline of challenge, join and leave calls, and of the QUIC handshake (default 2 s). */
        public Builder joinTimeout(Duration timeout) {
            this.joinTimeout = positive("joinTimeout", timeout);
            return this;
        }

        /** Longest pause between attempts while a director is unreachable or refuses (default 10 s). */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = positive("maxBackoff", maxBackoff);
            return this;
        }

        /** Load reported in heartbeats, called once per heartbeat (default: none); see {@link #inFlightCallsOf}. */
        public Builder load(Supplier<MemberLoad> load) {
            this.load = Objects.requireNonNull(load, "load");
            return this;
        }

        /** Explicit starting incarnation (default: the current time in ms). */
        public Builder incarnation(long incarnation) {
            if (incarnation < 0) {
                throw new IllegalArgumentException("incarnation must not be negative: " + incarnation);
            }
            this.incarnation = incarnation;
            return this;
        }

        public WorkerMembershipAgent build() {
            if (memberId == null || address == null) {
                throw new IllegalStateException("set memberId(...) and advertisedAddress(host:port)");
            }
            if (seeds.isEmpty()) {
                throw new IllegalStateException("set at least one seed (director host:port)");
            }
            if (tls == null) {
                throw new IllegalStateException("set tls(ClientTls...): membership runs over TLS only");
            }
            if (heartbeatTimeout != null && heartbeatTimeout.compareTo(heartbeatInterval) >= 0) {
                throw new IllegalStateException("heartbeatTimeout (" + heartbeatTimeout.toMillis()
                        + " ms) must be shorter than heartbeatInterval (" + heartbeatInterval.toMillis() + " ms)");
            }
            if (seeds.stream().distinct().count() != seeds.size()) {
                throw new IllegalStateException("seeds repeat an address: " + seeds);
            }
            // validates id, address, tags and weight the way the director will
            MemberUpdate.builder(memberId, address).tags(tags).weight(weight).build();
            return new WorkerMembershipAgent(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0: " + d);
            }
            return d;
        }
    }
}
