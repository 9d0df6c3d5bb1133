package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.ClusterEventListener;
import io.rpcnet.cluster.ClusterView;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.MemberUpdate;
import io.rpcnet.cluster.Subscription;
import io.rpcnet.cluster.registry.UpdateResult;
import io.rpcnet.cluster.registry.WorkerRegistry;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.protocol.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The director's side of the embedded membership: serves {@link MembershipService} (register it on the
 * director's RpcServer with {@code addService(MembershipService.class, director)}), authenticates workers,
 * feeds its {@link WorkerRegistry} and runs the failure detector ({@code registry.evaluate}) every
 * {@linkplain Builder#evaluationInterval evaluation interval} once {@linkplain #start() started}.
 *
 * <h2>Authentication</h2>
 * With a cluster secret, a join must carry the HMAC-SHA256 proof ({@link MembershipAuth#joinProof}) over a
 * nonce this director issued by {@link #challenge}: nonces are random, single-use, bound to the member id,
 * expire after {@code challengeTtl}, and at most {@code maxPendingChallenges} are kept. With
 * {@link Builder#mutualTls(boolean) mutualTls} (the director's server requires client certificates, so every
 * caller already presented a certificate the director trusts) a join without proof is accepted; a proof that
 * is sent is still checked when a secret is configured. A successful join returns a member token (HMAC under
 * a key random per director process, bound to member id, incarnation and expiry) which every heartbeat and
 * leave must carry; each heartbeat ack renews it. Everything else is refused with UNAUTHENTICATED and never
 * reaches the registry. Secrets, proofs and tokens are never logged.
 *
 * <h2>Outcomes</h2>
 * A join answers the registry's JOINED / UPDATED / RECOVERED; a stale incarnation, or the incarnation of a
 * FAILED or LEFT member, is FAILED_PRECONDITION (join again with a higher incarnation). A heartbeat's
 * UNKNOWN_MEMBER or REJOIN_REQUIRED becomes {@link Action#REJOIN}, STALE becomes {@link Action#STALE}.
 * A {@link #drain drain} goes to the {@link #drainHandler(DrainHandler) drain handler} (see {@link DrainHandler}).
 *
 * <p>Also a {@link ClusterView}: delegates to the registry.
 */
public final class DirectorMembership implements MembershipService, ClusterView, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirectorMembership.class);

    private final WorkerRegistry registry;
    /** Challenges, proofs, member tokens and refusals. */
    private final DirectorAuthenticator auth;
    private final DirectorDrains drains = new DirectorDrains();
    private final Duration evaluationInterval;
    private ScheduledExecutorService scheduler;

    private DirectorMembership(Builder b) {
        this.registry = b.registry != null ? b.registry : new WorkerRegistry();
        this.auth = new DirectorAuthenticator(b.secret, b.mutualTls, b.challengeTtl, b.maxPendingChallenges,
                b.tokenTtl, b.clock);
        this.evaluationInterval = b.evaluationInterval;
        registry.subscribe(DirectorMembership::logEvent);
    }

    private static void logEvent(ClusterEvent event) {
        switch (event.type()) {
            case SUSPECT -> log.info("member '{}' is SUSPECT (phi {})", event.memberId(),
                    String.format(java.util.Locale.ROOT, "%.1f", event.member().phi()));
            case FAILED -> log.warn("member '{}' FAILED (incarnation {}, no heartbeat for {} ms)", event.memberId(),
                    event.member().incarnation(),
                    (event.nanoTime() - event.member().lastHeartbeatNanos()) / 1_000_000);
            case PARTITION_DETECTED -> log.warn("network partition suspected: {} members failed together: {}",
                    event.affected().size(), event.affected().stream().map(m -> m.id().value()).toList());
            case PARTITION_HEALED -> log.warn("network partition healed; still FAILED: {}",
                    event.affected().stream().map(m -> m.id().value()).toList());
            default -> {
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the periodic failure-detector evaluation; returns this. Idempotent. */
    public synchronized DirectorMembership start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rpcnet-membership-evaluator");
                t.setDaemon(true);
                return t;
            });
            long period = evaluationInterval.toNanos();
            scheduler.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /** Stops the evaluation. The registry keeps its state; calls still answer. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    private void tick() {
        try {
            registry.evaluate(System.nanoTime());
            auth.purgeExpiredChallenges();
        } catch (RuntimeException e) {
            log.warn("membership evaluation failed", e);
        }
    }

    /** The registry this director feeds. */
    public WorkerRegistry registry() {
        return registry;
    }

    /** Whether joins must prove the cluster secret (false when only client certificates authenticate). */
    public boolean requiresSecret() {
        return auth.requiresSecret();
    }

    public boolean mutualTls() {
        return auth.mutualTls();
    }

    /** Join challenges issued and not yet used or expired. */
    public int pendingChallenges() {
        return auth.pendingChallenges();
    }

    /** Joins refused as unauthenticated since start. */
    public long refusedJoins() {
        return auth.refusedJoins();
    }

    /** Heartbeats, leaves and drains refused as unauthenticated since start. */
    public long refusedCalls() {
        return auth.refusedCalls();
    }

    /** Installs (or with {@code null} removes) what drains a worker that asks for it; may be set at any time. */
    public void drainHandler(DrainHandler handler) {
        drains.handler(handler);
    }

    /** Drains running now (members whose drain handler's future has not completed). */
    public int drainsInProgress() {
        return drains.inProgress();
    }

    // ---- MembershipService ---------------------------------------------------------------------------

    @Override
    public JoinChallenge challenge(ChallengeRequest request) {
        if (request == null || request.memberId() == null) {
            throw invalid("challenge needs a memberId");
        }
        memberId(request.memberId());
        return auth.challenge(request.memberId());
    }

    @Override
    public JoinAccepted join(JoinRequest r) {
        if (r == null || r.memberId() == null || r.address() == null) {
            throw invalid("join needs memberId and address");
        }
        String id = r.memberId();
        auth.authenticateJoin(r);
        MemberUpdate update;
        try {
            update = new MemberUpdate(MemberId.of(id), r.address(), r.tags() == null ? Map.of() : r.tags(),
                    r.incarnation(), r.weight() == 0 ? Member.DEFAULT_WEIGHT : r.weight(),
                    MemberLoad.of(r.activeSessions(), r.inFlightCalls()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw invalid("join of '" + id + "': " + e.getMessage());
        }
        UpdateResult result = registry.upsert(update, System.nanoTime());
        switch (result) {
            case JOINED, UPDATED, RECOVERED -> {
                if (result != UpdateResult.UPDATED) {
                    log.info("member '{}' {} at {} (incarnation {}, tags {})", id, result.name().toLowerCase(),
                            r.address(), r.incarnation(), update.tags());
                }
                return new JoinAccepted(result.name(), auth.issueToken(id, r.incarnation()), auth.tokenTtlMillis());
            }
            case STALE -> throw new RpcException(StatusCode.FAILED_PRECONDITION, "join of '" + id
                    + "' with incarnation " + r.incarnation() + " is stale: the director knows incarnation "
                    + registry.member(update.id()).map(Member::incarnation).orElse(-1L)
                    + "; join with a higher incarnation");
            case REJOIN_REQUIRED -> throw new RpcException(StatusCode.FAILED_PRECONDITION, "member '" + id + "' is "
                    + registry.member(update.id()).map(m -> m.status().name()).orElse("gone") + " at incarnation "
                    + r.incarnation() + "; join with a higher incarnation");
            default -> throw new RpcException(StatusCode.INTERNAL, "unexpected registry result " + result);
        }
    }

    @Override
    public HeartbeatAck heartbeat(Heartbeat hb) {
        if (hb == null || hb.memberId() == null) {
            throw invalid("heartbeat needs a memberId");
        }
        auth.authenticate("heartbeat", hb.memberId(), hb.incarnation(), hb.token());
        MemberLoad load;
        try {
            load = MemberLoad.of(hb.activeSessions(), hb.inFlightCalls());
        } catch (IllegalArgumentException e) {
            throw invalid("heartbeat of '" + hb.memberId() + "': " + e.getMessage());
        }
        UpdateResult result = registry.heartbeat(memberId(hb.memberId()), hb.incarnation(), load, System.nanoTime());
        if (result.accepted()) {
            return new HeartbeatAck(Action.OK, auth.issueToken(hb.memberId(), hb.incarnation()),
                    auth.tokenTtlMillis());
        }
        return new HeartbeatAck(result == UpdateResult.STALE ? Action.STALE : Action.REJOIN, null, 0);
    }

    @Override
    public void leave(LeaveRequest request) {
        if (request == null || request.memberId() == null) {
            throw invalid("leave needs a memberId");
        }
        auth.authenticate("leave", request.memberId(), request.incarnation(), request.token());
        if (registry.markLeft(memberId(request.memberId()), request.incarnation(), System.nanoTime())) {
            log.info("member '{}' left (incarnation {})", request.memberId(), request.incarnation());
        }
    }

    /** Answers when the drain handler is done, at the timeout, or at once without one; authenticated, never fails. */
    @Override
    public CompletableFuture<DrainResult> drain(DrainRequest request) {
        if (request == null || request.memberId() == null) {
            throw invalid("drain needs a memberId");
        }
        if (request.timeoutMillis() <= 0) {
            throw invalid("drain of '" + request.memberId() + "' needs timeoutMillis > 0: " + request.timeoutMillis());
        }
        auth.authenticate("drain", request.memberId(), request.incarnation(), request.token());
        return drains.drain(memberId(request.memberId()), request.incarnation(), request.timeoutMillis());
    }

    // ---- ClusterView --------------------------------------------------------------------------------

    @Override
    public List<Member> members() {
        return registry.members();
    }

    @Override
    public Optional<Member> member(MemberId id) {
        return registry.member(id);
    }

    @Override
    public boolean isPartitioned() {
        return registry.isPartitioned();
    }

    @Override
    public Subscription subscribe(ClusterEventListener listener) {
        return registry.subscribe(listener);
    }

    // ---- internals ----------------------------------------------------------------------------------

    private static MemberId memberId(String id) {
        try {
            return MemberId.of(id);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static RpcException invalid(String message) {
        return new RpcException(StatusCode.INVALID_ARGUMENT, message);
    }

    @Override
    public String toString() {
        return "DirectorMembership[" + registry.members().size() + " members, auth=" + auth.mode() + "]";
    }

    /** Configuration of a {@link DirectorMembership}; a secret or {@code mutualTls(true)} is required. */
    public static final class Builder {
        private WorkerRegistry registry;
        private byte[] secret;
        private boolean mutualTls;
        private Duration evaluationInterval = Duration.ofMillis(100);
        private Duration challengeTtl = Duration.ofSeconds(10);
        private int maxPendingChallenges = 1024;
        private Duration tokenTtl = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The registry to feed (default: a new one with default settings). */
        public Builder registry(WorkerRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** The shared cluster secret, at least {@value MembershipAuth#MIN_SECRET_BYTES} bytes (copied). */
        public Builder secret(byte[] secret) {
            this.secret = MembershipAuth.requireSecret(secret);
            return this;
        }

        /** The shared cluster secret as text (its UTF-8 bytes), at least 32 bytes. */
        public Builder secret(String secret) {
            this.secret = MembershipAuth.requireSecret(secret);
            return this;
        }

        /**
         * Accept joins without a secret proof because the director's server requires client certificates
         * ({@code ServerTls.requireClientCertificates}); pass {@code serverTls.requiresClientCertificates()}.
         * Only set this when that is true: the director cannot see the certificate itself.
         */
        public Builder mutualTls(boolean mutualTls) {
            this.mutualTls = mutualTls;
            return this;
        }

        /** How often the failure detector runs (default 100 ms). */
        public Builder evaluationInterval(Duration interval) {
            this.evaluationInterval = positive("evaluationInterval", interval);
            return this;
        }

        /** How long a join nonce is valid (default 10 s). */
        public Builder challengeTtl(Duration ttl) {
            this.challengeTtl = positive("challengeTtl", ttl);
            return this;
        }

        /** Most nonces kept at once (default 1024); more challenges are refused with RESOURCE_EXHAUSTED. */
        public Builder maxPendingChallenges(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxPendingChallenges must be >= 1: " + max);
            }
            this.maxPendingChallenges = max;
            return this;
        }

        /** Validity of a member token; every heartbeat ack renews it (default 30 s). */
        public Builder tokenTtl(Duration ttl) {
            this.tokenTtl = positive("tokenTtl", ttl);
            return this;
        }

        /** Wall clock for nonce and token expiry (default UTC system clock); failure detection uses nanoTime. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public DirectorMembership build() {
            if (secret == null && !mutualTls) {
                throw new IllegalStateException("cluster membership needs authentication: set the cluster secret "
                        + "(rpcnet.cluster.secret, at least " + MembershipAuth.MIN_SECRET_BYTES + " bytes) or require "
                        + "client certificates on the director's server (mutual TLS) and set mutualTls(true)");
            }
            return new DirectorMembership(this);
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
