package io.rpcnet.migration.coordinator;

import io.rpcnet.cluster.ClusterEvent;
import io.rpcnet.cluster.Member;
import io.rpcnet.cluster.MemberId;
import io.rpcnet.cluster.Subscription;
import io.rpcnet.director.DirectorGateway;
import io.rpcnet.director.RoutingTable;
import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.MigrationParty;
import io.rpcnet.migration.MigrationRequest;
import io.rpcnet.migration.state.MigrationStateListener;
import io.rpcnet.migration.token.MigrationTokenManager;
import io.rpcnet.migration.tracker.MigrationTracker;
import io.rpcnet.migration.tracker.MigrationView;
import io.rpcnet.migration.tracker.TrackedMigration;
import io.rpcnet.transport.ClientTls;
import io.rpcnet.transport.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs live migrations on the director: the {@link MigrationService} behind Actuator and drains. Each
 * migration runs on one of {@code maxConcurrent} coordinator threads (more wait in line) through the phases
 * of {@link MigrationRun}, against the gateway's routing table and call holds, calling the workers'
 * {@code RpcNetMigration} service over its own control connections. Outcomes go to the tracker, to a
 * bounded list of recent outcomes and to outcome listeners (metrics, notifications).
 */
public final class MigrationCoordinator implements MigrationService, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MigrationCoordinator.class);
    private static final int MAX_OUTCOMES = 1000;

    private final DirectorGateway gateway;
    private final MigrationTokenManager tokens;
    private final MigrationSettings settings;
    private final MigrationTracker tracker;
    private final Clock clock;
    private final WorkerChannels channels;
    private final ExecutorService runners;
    private final ExecutorService drains;
    private final ExecutorService callbacks;
    private final WorkerDrain drainer;
    private final RouteRecovery routeRecovery;
    private final Subscription subscription;
    private final ArrayDeque<MigrationOutcome> outcomes = new ArrayDeque<>();
    private final List<Consumer<MigrationOutcome>> outcomeListeners = new CopyOnWriteArrayList<>();
    private final List<MigrationStateListener> stateListeners = new CopyOnWriteArrayList<>();
    private final Set<String> drained = ConcurrentHashMap.newKeySet();

    private MigrationCoordinator(Builder b) {
        this.gateway = Objects.requireNonNull(b.gateway, "gateway");
        this.tokens = Objects.requireNonNull(b.tokens, "tokens");
        this.settings = b.settings;
        this.clock = b.clock;
        this.tracker = b.tracker != null ? b.tracker : new MigrationTracker(clock);
        this.callbacks = Executors.newFixedThreadPool(2, daemon("rpcnet-migration-io"));
        this.channels = new WorkerChannels(Objects.requireNonNull(b.workerTls, "workerTls"), b.workerSettings,
                callbacks);
        this.runners = Executors.newFixedThreadPool(settings.maxConcurrent(), daemon("rpcnet-migration"));
        this.drains = Executors.newCachedThreadPool(daemon("rpcnet-drain"));
        this.drainer = new WorkerDrain(this, gateway, settings);
        this.routeRecovery = new RouteRecovery(channels, tokens, gateway.routingTable(), settings.stepTimeout());
        this.subscription = gateway.registry().subscribe(this::onClusterEvent);
        gateway.registry().members().stream().filter(m -> m.status().isMonitored()).forEach(this::recoverRoutes);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Migration migrate(String sessionId, String targetWorker, MigrationParty requestedBy, String reason) {
        Started started = start(sessionId, targetWorker, requestedBy, reason, StreamPolicy.WAIT);
        return new Migration(started.migrationId(), started.result().thenApply(RunResult::outcome));
    }

    /**
     * Starts a migration whose cut-over treats in-flight streaming calls by {@code streams} (drains); otherwise
     * as {@link #migrate}. The result's future never fails.
     */
    Started start(String sessionId, String targetWorker, MigrationParty requestedBy, String reason,
                  StreamPolicy streams) {
        Objects.requireNonNull(sessionId, "sessionId");
        RoutingTable.Route route = gateway.routingTable().route(sessionId).orElseThrow(() -> new MigrationException(
                MigrationError.SOURCE_UNAVAILABLE, "session '" + sessionId + "' is not known to the director"));
        MemberId target = targetWorker == null ? drainer.chooseTarget(route.owner(), null)
                : requireTarget(MemberId.of(targetWorker), route.owner());
        MigrationRequest request = MigrationRequest.builder().migrationId(UUID.randomUUID().toString())
                .sessionId(sessionId).sourceWorker(route.owner().value()).targetWorker(target.value())
                .requestedBy(requestedBy == null ? MigrationParty.OPERATOR : requestedBy).reason(reason)
                .expectedEpoch(route.epoch()).requestedAt(clock.instant()).timeout(settings.timeout()).build();
        TrackedMigration tracked = tracker.start(request); // ALREADY_MIGRATING
        stateListeners.forEach(tracked.machine()::addListener);
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        try {
            runners.execute(() -> {
                MigrationRun run = new MigrationRun(tracked, gateway, channels, tokens, settings, streams);
                MigrationOutcome o = run.run();
                record(o);
                result.complete(new RunResult(o, run.blockedByStreams()));
            });
        } catch (RuntimeException rejected) {
            tracked.machine().fail(MigrationError.ABORTED, "coordinator is shutting down");
            throw new MigrationException(MigrationError.ABORTED, "coordinator is shutting down");
        }
        log.debug("migration {}: session {} {} -> {} queued ({})", request.migrationId(), sessionId, route.owner(),
                target, reason);
        return new Started(request.migrationId(), result);
    }

    /** A migration started by {@link #start}: its id and, once it ended, its {@link RunResult}. */
    record Started(String migrationId, CompletableFuture<RunResult> result) {
    }

    /**
     * How a migration ended, for a drain: its outcome and whether its cut-over ran out of pause budget with
     * streaming calls of the session still running.
     */
    record RunResult(MigrationOutcome outcome, boolean blockedByStreams) {
    }

    @Override
    public CompletableFuture<DrainReport> drain(String workerId) {
        MemberId id = MemberId.of(workerId);
        if (gateway.registry().member(id).isEmpty()) {
            throw new IllegalArgumentException("worker '" + workerId + "' is not known to the director");
        }
        drained.remove(workerId);
        gateway.registry().cordon(id);
        return CompletableFuture.supplyAsync(() -> {
            DrainReport report = drainer.drain(id);
            if (report.drained()) {
                drained.add(workerId);
            }
            return report;
        }, drains);
    }

    @Override
    public boolean isDrained(String workerId) {
        return drained.contains(workerId);
    }

    @Override
    public List<MigrationView> active() {
        return tracker.active();
    }

    @Override
    public List<MigrationView> recent() {
        return tracker.recent();
    }

    @Override
    public Optional<MigrationView> find(String migrationId) {
        return tracker.find(migrationId);
    }

    @Override
    public synchronized List<MigrationOutcome> recentOutcomes() {
        return List.copyOf(outcomes);
    }

    public MigrationTracker tracker() {
        return tracker;
    }

    public MigrationSettings settings() {
        return settings;
    }

    /** Told about every migration's outcome, on the coordinator thread that ran it. */
    public void addOutcomeListener(Consumer<MigrationOutcome> listener) {
        outcomeListeners.add(Objects.requireNonNull(listener));
    }

    /** Told about every state transition of migrations started from now on (see the listener's contract). */
    public void addStateListener(MigrationStateListener listener) {
        stateListeners.add(Objects.requireNonNull(listener));
    }

    @Override
    public void close() {
        subscription.close();
        drains.shutdownNow();
        runners.shutdownNow();
        channels.close();
        callbacks.shutdownNow();
    }

    private void record(MigrationOutcome o) {
        synchronized (this) {
            outcomes.addLast(o);
            while (outcomes.size() > MAX_OUTCOMES) {
                outcomes.removeFirst();
            }
        }
        for (Consumer<MigrationOutcome> l : outcomeListeners) {
            try {
                l.accept(o);
            } catch (RuntimeException e) {
                log.warn("migration outcome listener failed: {}", e.toString());
            }
        }
    }

    /**
     * Learns the sessions {@code worker} holds and routes them to it (done on every JOINED and RECOVERED
     * event, so a restarted director rebuilds its table); completes with how many routes changed.
     */
    public CompletableFuture<Integer> recoverRoutes(Member worker) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return routeRecovery.recover(worker);
            } catch (RuntimeException e) {
                log.warn("could not recover the routes of worker {}: {}", worker.id(), e.toString());
                throw e;
            }
        }, drains);
    }

    private MemberId requireTarget(MemberId target, MemberId source) {
        if (target.equals(source)) {
            throw new MigrationException(MigrationError.TARGET_UNAVAILABLE, "session is already on " + target);
        }
        Member m = gateway.registry().member(target).orElseThrow(() -> new MigrationException(
                MigrationError.TARGET_UNAVAILABLE, "worker '" + target + "' is not known to the director"));
        if (!m.status().isMonitored() || gateway.registry().isCordoned(target)) {
            throw new MigrationException(MigrationError.TARGET_UNAVAILABLE, "worker '" + target + "' is "
                    + (gateway.registry().isCordoned(target) ? "cordoned (draining)" : m.status()));
        }
        return target;
    }

    private void onClusterEvent(ClusterEvent e) {
        switch (e.type()) {
            case FAILED, LEFT -> channels.forget(e.memberId());
            case JOINED, RECOVERED -> {
                drained.remove(e.memberId().value());
                recoverRoutes(e.member());
            }
            default -> {
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Configuration of a coordinator; the gateway, the token manager and the worker TLS are required. */
    public static final class Builder {
        private DirectorGateway gateway;
        private MigrationTokenManager tokens;
        private ClientTls workerTls;
        private TransportSettings workerSettings = TransportSettings.defaults();
        private MigrationSettings settings = MigrationSettings.defaults();
        private MigrationTracker tracker;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The director's gateway: routing table, registry and call holds. */
        public Builder gateway(DirectorGateway v) { gateway = v; return this; }
        /** Issues migration tokens (keys shared with the workers). */
        public Builder tokens(MigrationTokenManager v) { tokens = v; return this; }
        /** Trust (and client identity) for the control connections to workers. */
        public Builder workerTls(ClientTls v) { workerTls = v; return this; }
        public Builder workerSettings(TransportSettings v) { workerSettings = Objects.requireNonNull(v); return this; }
        public Builder settings(MigrationSettings v) { settings = Objects.requireNonNull(v); return this; }
        public Builder tracker(MigrationTracker v) { tracker = v; return this; }
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v); return this; }

        public MigrationCoordinator build() {
            return new MigrationCoordinator(this);
        }
    }
}
