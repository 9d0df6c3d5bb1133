package io.rpcnet.cluster.membership;

import io.rpcnet.client.CallOptions;
import io.rpcnet.client.RpcClient;
import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberStatus;
import io.rpcnet.cluster.Tags;
import io.rpcnet.cluster.membership.MembershipService.ChallengeRequest;
import io.rpcnet.cluster.membership.MembershipService.DrainRequest;
import io.rpcnet.cluster.membership.MembershipService.DrainResult;
import io.rpcnet.cluster.membership.MembershipService.Heartbeat;
import io.rpcnet.cluster.membership.MembershipService.HeartbeatAck;
import io.rpcnet.cluster.membership.MembershipService.JoinAccepted;
import io.rpcnet.cluster.membership.MembershipService.JoinChallenge;
import io.rpcnet.cluster.membership.MembershipService.JoinRequest;
import io.rpcnet.cluster.membership.MembershipService.LeaveRequest;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's relation with one director: its client, token, failure count and backoff, and the exchange state
 * machine (challenge + join, heartbeat, leave) that moves it. Split from {@link WorkerMembershipAgent} because
 * everything here is per director, while the agent coordinates all of them; the rules are described in the
 * agent's class comment ("Behaviour per director").
 */
final class DirectorLink {

    /** Same logger as the agent, so one category covers the whole worker side of the membership. */
    private static final Logger log = LoggerFactory.getLogger(WorkerMembershipAgent.class);
    /** Consecutive failed exchanges after which a director is FAILED in the worker's view and backoff starts. */
    static final int FAILURES_BEFORE_FAILED = 3;

    private final MemberId id;
    private final String address;
    private final int weight;
    private final byte[] secret;
    private final Duration heartbeatInterval;
    private final Duration joinTimeout;
    private final Duration maxBackoff;
    private final LocalWorker worker;
    private final AgentLifecycle lifecycle;
    private final Executor io;
    private final ListenerList listeners;
    private final String seed;
    private final MemberId directorId;
    private final RpcClient client;
    private final MembershipService calls;       // join timeout
    private final MembershipService heartbeats;  // heartbeat timeout
    /** One exchange at a time: ticks skip when taken, leave waits for it. */
    private final Semaphore exchange = new Semaphore(1);
    // written only by the thread holding the exchange permit
    private volatile String token;
    private long tokenIncarnation = -1;
    private int sentTagsVersion = -1;
    private int failures;
    private long retryAtNanos = System.nanoTime();
    private long lastSuccessNanos;
    private volatile MemberStatus status;
    private volatile RpcException refusal;
    private String lastProblem;
    private volatile Member snapshot;
    private final AtomicLong skipped = new AtomicLong();

    DirectorLink(String seed, WorkerAgentConfig config, LocalWorker worker, AgentLifecycle lifecycle, Executor io,
                 ListenerList listeners) {
        this.id = config.memberId();
        this.address = config.address();
        this.weight = config.weight();
        this.secret = config.secret();
        this.heartbeatInterval = config.heartbeatInterval();
        this.joinTimeout = config.joinTimeout();
        this.maxBackoff = config.maxBackoff();
        this.worker = worker;
        this.lifecycle = lifecycle;
        this.io = io;
        this.listeners = listeners;
        this.seed = seed;
        this.directorId = MemberId.of(seed);
        HostPort hp = HostPort.parse(seed);
        this.client = RpcClient.builder().target(hp.host(), hp.port()).tls(config.tls()).settings(config.transport())
                .defaultTimeout(joinTimeout).build();
        this.calls = client.proxy(MembershipService.class, CallOptions.DEFAULT.withTimeout(joinTimeout));
        this.heartbeats = client.proxy(MembershipService.class,
                CallOptions.DEFAULT.withTimeout(config.heartbeatTimeout()));
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
                    if (lifecycle.isActive() && System.nanoTime() - retryAtNanos >= 0) {
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
        long inc = worker.incarnation();
        if (token == null || tokenIncarnation != inc || sentTagsVersion != worker.tagsVersion()) {
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
                int version = worker.tagsVersion();
                Map<String, String> sentTags = worker.tags();
                MemberLoad l = worker.currentLoad();
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
                if (e.code() == StatusCode.FAILED_PRECONDITION && attempt == 0 && lifecycle.isActive()) {
                    log.info("director {}: {}; raising the incarnation", seed, e.status().message());
                    inc = worker.raiseIncarnation(inc);
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
            MemberLoad l = worker.currentLoad();
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
                join(worker.raiseIncarnation(inc));
            }
            case STALE -> {
                log.warn("director {} knows a newer incarnation of '{}' than {}: does another process use this "
                        + "member id?", seed, id, inc);
                join(worker.raiseIncarnation(inc));
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
        lifecycle.onAccepted(acceptedTagsVersion);
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
            lifecycle.onRefused(e);
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

    /**
     * Sends DRAIN with the token of the current join (read between exchanges, so it matches its incarnation) under
     * a deadline of the drain timeout plus the join timeout; {@code null} when this director does not have the
     * worker. Blocks at most until a running exchange ends; heartbeats go on meanwhile.
     */
    CompletableFuture<DrainResult> drain(long timeoutMillis) {
        boolean acquired = false;
        String t;
        long inc;
        try {
            acquired = exchange.tryAcquire(joinTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            t = token;
            inc = tokenIncarnation;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new RpcException(StatusCode.CANCELLED, "interrupted"));
        } finally {
            if (acquired) {
                exchange.release();
            }
        }
        if (t == null || !isJoined()) {
            return null;
        }
        Duration deadline = Duration.ofMillis(timeoutMillis).plus(joinTimeout);
        return client.proxy(MembershipService.class, CallOptions.DEFAULT.withTimeout(deadline))
                .drain(new DrainRequest(id.value(), inc, t, timeoutMillis));
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

    String seed() {
        return seed;
    }

    /** This director's entry in the worker's view, or {@code null} before it first answered. */
    Member snapshot() {
        return snapshot;
    }

    /** Joined, and the last exchange succeeded or only just failed (ALIVE or SUSPECT). */
    boolean isJoined() {
        MemberStatus s = status;
        return token != null && (s == MemberStatus.ALIVE || s == MemberStatus.SUSPECT);
    }

    /** Whether this director refused the worker (reset by the next success or join). */
    boolean isRefused() {
        return refusal != null;
    }

    long skippedHeartbeats() {
        return skipped.get();
    }

    private static boolean isRefusal(StatusCode code) {
        return code == StatusCode.UNAUTHENTICATED || code == StatusCode.PERMISSION_DENIED
                || code == StatusCode.INVALID_ARGUMENT || code == StatusCode.UNIMPLEMENTED;
    }
}
