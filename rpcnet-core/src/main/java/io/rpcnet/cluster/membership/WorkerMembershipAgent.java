package io.rpcnet.cluster.membership;

import io.rpcnet.cluster.ClusterEventListener;
import io.rpcnet.cluster.ClusterMembership;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.MemberLoad;
import io.rpcnet.cluster.Subscription;
import io.rpcnet.protocol.RpcException;
import io.rpcnet.server.RpcServer;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.TransportSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
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

    // The work is done by package-private parts: WorkerAgentConfig (the checked Builder settings), LocalWorker
    // (incarnation, tags, load), AgentLifecycle (join, leave, close and their outcomes), DirectorLinks (the
    // heartbeat loop and the view of the directors) and one DirectorLink per director (its exchange state
    // machine). This class is the API and its Builder.
    private final LocalWorker worker;
    private final AgentLifecycle lifecycle;
    private final DirectorLinks links;

    private WorkerMembershipAgent(WorkerAgentConfig config) {
        this.worker = new LocalWorker(config);
        this.lifecycle = new AgentLifecycle(config, worker);
        this.links = lifecycle.links();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Load of a worker from its RpcServer: in-flight calls ({@code activeCalls}), no sessions. */
    public static Supplier<MemberLoad> inFlightCallsOf(RpcServer server) {
        Objects.requireNonNull(server, "server");
        return () -> MemberLoad.of(0, server.activeCalls());
    }

    // ---- ClusterMembership --------------------------------------------------------------------------

    @Override
    public MemberId localMember() {
        return worker.id();
    }

    /** The advertised {@code host:port} of this worker. */
    public String address() {
        return worker.address();
    }

    /** The current incarnation. */
    public long incarnation() {
        return worker.incarnation();
    }

    /** The current tags. */
    public Map<String, String> tags() {
        return worker.tags();
    }

    /** Heartbeats not sent because the previous exchange with that director had not finished (all directors). */
    public long skippedHeartbeats() {
        return links.skippedHeartbeats();
    }

    /**
     * Whether at least one director currently has this worker: joined, and its last exchange succeeded or
     * only just failed (ALIVE or SUSPECT in this view). For health checks.
     */
    public boolean isJoined() {
        return links.isJoined();
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
        return lifecycle.join();
    }

    /**
     * Replaces this worker's tags; each director sees TAGS_UPDATED. Completes when the first director accepted
     * them (at once if not joined: they are sent with the next join).
     */
    @Override
    public CompletionStage<Void> updateTags(Map<String, String> newTags) {
        return lifecycle.updateTags(newTags);
    }

    /**
     * Stops heartbeating and sends LEAVE to every director that accepted this worker (waiting for an exchange
     * in progress first); directors then show it as LEFT. Completes when every director answered or failed.
     */
    @Override
    public CompletionStage<Void> leave() {
        return lifecycle.leave();
    }

    /**
     * Asks every director that has this worker to drain it first: move all its sessions to other workers, so a
     * graceful shutdown (a rolling restart) loses none; call it before {@link #leave()} / {@link #close()}, which
     * it does not replace. Heartbeats go on meanwhile. Each director answers when its migration coordinator is
     * done or after {@code timeout} (at most 10 minutes); the call deadline is {@code timeout} plus the
     * {@linkplain Builder#joinTimeout join timeout}.
     *
     * <p>The stage never fails. It completes when every director answered: {@code drained} only if all of them
     * drained the worker, counts summed, messages joined; a director that cannot be reached, or runs no migration
     * coordinator, makes it {@code drained=false}. It completes at once with {@code drained=false} when the worker
     * is not joined to any director.
     *
     * @param timeout how long the directors may take, &gt; 0
     */
    public CompletionStage<MembershipService.DrainResult> requestDrain(Duration timeout) {
        return lifecycle.requestDrain(timeout);
    }

    /** Leaves (if joined, waiting at most about two join timeouts) and releases threads and connections. */
    @Override
    public void close() {
        lifecycle.close();
    }

    /**
     * Stops at once <em>without</em> LEAVE and closes the connections, as a crash looks to the directors
     * (they detect it as SUSPECT, then FAILED). For tests, benchmarks and failure drills.
     */
    public void closeAbruptly() {
        lifecycle.shutdown();
    }

    // ---- ClusterView (the directors) ----------------------------------------------------------------

    @Override
    public List<Member> members() {
        return links.members();
    }

    @Override
    public Optional<Member> member(MemberId memberId) {
        return links.member(memberId);
    }

    /** Always false: partitions are judged by directors. */
    @Override
    public boolean isPartitioned() {
        return false;
    }

    @Override
    public Subscription subscribe(ClusterEventListener listener) {
        return links.subscribe(listener);
    }

    @Override
    public String toString() {
        return "WorkerMembershipAgent[" + worker.id() + " " + worker.address() + " #" + worker.incarnation() + " "
                + lifecycle.state() + "]";
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
            return new WorkerMembershipAgent(new WorkerAgentConfig(memberId, address, tags, weight, seeds, secret,
                    tls, settings, heartbeatInterval, heartbeatTimeout, joinTimeout, maxBackoff, load, incarnation));
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
