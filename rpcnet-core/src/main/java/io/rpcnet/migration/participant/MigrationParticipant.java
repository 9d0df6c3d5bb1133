package io.rpcnet.migration.participant;

import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.snapshot.StateHandlers;
import io.rpcnet.migration.token.MigrationTokenManager;
import io.rpcnet.migration.transfer.SnapshotTransfer;
import io.rpcnet.migration.wire.MigrationFailures;
import io.rpcnet.migration.wire.MigrationProtocol;
import io.rpcnet.session.SessionManager;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A worker's side of live migration: serves {@link MigrationProtocol} so a director can move the worker's
 * sessions out (source) and in (target). Register it as a service on the worker's {@code RpcServer} next
 * to the application's services, with the same {@link SessionManager} the server serves sessions from.
 *
 * <p>Every migration starts with a migration token the worker verifies itself (signature, binding to the
 * migration, session, source and target, expiry, replay, rate limit); later steps name the migration id of
 * that verified start. State arrives sealed (AES-GCM bound to migration and session) and is verified before
 * anything is applied. Migrations a coordinator abandons are rolled back by {@link #sweepAbandoned()}
 * (call it periodically): a frozen session is unfrozen after {@code frozenTimeout}, an unfinished import
 * discarded after {@code staleTimeout}. Use one token manager per worker: its replay guard is what makes a
 * token single-use. Thread-safe.
 */
public final class MigrationParticipant implements MigrationProtocol {

    private final ParticipantContext ctx;
    private final SourceRole source;
    private final TargetRole target;
    private final Clock clock;
    private final boolean hasHandlers;
    private final Executor handlerExecutor;
    private final Duration frozenTimeout;
    private final Duration staleTimeout;

    private MigrationParticipant(Builder b) {
        ParticipantContext ctx = new ParticipantContext(b.sessions.workerId(), b.sessions, b.handlers, b.transfer,
                b.tokens, new DeltaSealer(b.transfer.encryption()), b.clock);
        this.ctx = ctx;
        this.source = new SourceRole(ctx);
        this.target = new TargetRole(ctx);
        this.clock = b.clock;
        this.hasHandlers = !b.handlers.handlers().isEmpty();
        this.handlerExecutor = b.handlerExecutor != null ? b.handlerExecutor : HandlerPool.INSTANCE;
        this.frozenTimeout = b.frozenTimeout;
        this.staleTimeout = b.staleTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Ack prepare(Prepare request) {
        return guarded(() -> target.prepare(request));
    }

    @Override
    public BaseExport exportBase(ExportBase request) {
        return guarded(() -> source.exportBase(request));
    }

    @Override
    public Chunks exportChunks(ChunkRange request) {
        return guarded(() -> source.exportChunks(request));
    }

    @Override
    public Ack importBase(BaseImport request) {
        return guarded(() -> target.importBase(request));
    }

    @Override
    public Delta exportDelta(DeltaRequest request) {
        return guarded(() -> source.exportDelta(request));
    }

    @Override
    public Ack applyDelta(DeltaApply request) {
        return guarded(() -> target.applyDelta(request));
    }

    @Override
    public CompletableFuture<Delta> freeze(DeltaRequest request) {
        return inPause(() -> source.freeze(request));
    }

    @Override
    public CompletableFuture<Ack> commit(Commit request) {
        return inPause(() -> target.commit(request));
    }

    @Override
    public Ack handOver(HandOver request) {
        return guarded(() -> source.handOver(request));
    }

    @Override
    public Ack abort(Abort request) {
        return guarded(() -> {
            String reason = request.reason() == null ? "" : request.reason();
            boolean known = target.abort(request.migrationId(), reason) | source.abort(request.migrationId(), reason);
            return new Ack(known ? 1 : 0);
        });
    }

    @Override
    public SessionList listSessions(ListSessions request) {
        return guarded(() -> {
            ctx.tokens().verify(request.token(), request.requestId(), "*", ctx.workerId(), DIRECTOR_TARGET);
            Map<String, Long> held = new HashMap<>();
            for (String id : ctx.sessions().sessionIds()) {
                ctx.sessions().find(id).ifPresent(s -> held.put(id, s.epoch()));
            }
            return new SessionList(held);
        });
    }

    /** Rolls back migrations their coordinator abandoned; returns how many. */
    public int sweepAbandoned() {
        long now = clock.millis();
        return source.sweep(now, frozenTimeout.toMillis(), staleTimeout.toMillis())
                + target.sweep(now, staleTimeout.toMillis());
    }

    /** Migrations this worker takes part in right now (as source or target). */
    public int activeMigrations() {
        return source.active() + target.active();
    }

    /**
     * A step of the cut-over pause: without application state handlers it is short, non-blocking work
     * (freeze a session, seal or apply a small delta) and runs right here, on the I/O thread that received
     * the call; handlers are application code that may block, so then it runs on the handler executor.
     */
    private <T> CompletableFuture<T> inPause(Supplier<T> step) {
        if (!hasHandlers) {
            try {
                return CompletableFuture.completedFuture(guarded(step));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.supplyAsync(() -> guarded(step), handlerExecutor);
    }

    private static <T> T guarded(Supplier<T> step) {
        try {
            return step.get();
        } catch (MigrationException e) {
            throw MigrationFailures.toRpc(e);
        }
    }

    /** The default executor for cut-over steps that call application state handlers. */
    private static final class HandlerPool {
        static final Executor INSTANCE = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "rpcnet-migration-handlers");
            t.setDaemon(true);
            return t;
        });
    }

    /** Configuration of a participant; sessions, transfer and tokens are required. */
    public static final class Builder {
        private SessionManager sessions;
        private StateHandlers handlers = StateHandlers.none();
        private SnapshotTransfer transfer;
        private MigrationTokenManager tokens;
        private Clock clock = Clock.systemUTC();
        private Executor handlerExecutor;
        private Duration frozenTimeout = Duration.ofSeconds(10);
        private Duration staleTimeout = Duration.ofMinutes(2);

        private Builder() {
        }

        /** The sessions of this worker (the same manager its RpcServer serves). */
        public Builder sessions(SessionManager v) { sessions = v; return this; }
        /** Application state that moves with sessions (default none). */
        public Builder handlers(StateHandlers v) { handlers = Objects.requireNonNull(v); return this; }
        /** Seals and opens snapshots (the encryption key ring must be shared by all workers). */
        public Builder transfer(SnapshotTransfer v) { transfer = v; return this; }
        /** Verifies migration tokens (one instance per worker; keys shared with the director). */
        public Builder tokens(MigrationTokenManager v) { tokens = v; return this; }
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v); return this; }
        /**
         * Where the cut-over steps run when there are application state handlers (their code may block);
         * default a shared pool of daemon threads.
         */
        public Builder handlerExecutor(Executor v) { handlerExecutor = Objects.requireNonNull(v); return this; }
        /** How long a session may stay frozen for a cut-over nobody finishes (default 10 s). */
        public Builder frozenTimeout(Duration v) { frozenTimeout = positive("frozenTimeout", v); return this; }
        /** How long an unfinished migration is kept before it is rolled back (default 2 min). */
        public Builder staleTimeout(Duration v) { staleTimeout = positive("staleTimeout", v); return this; }

        public MigrationParticipant build() {
            Objects.requireNonNull(sessions, "sessions");
            Objects.requireNonNull(transfer, "transfer");
            Objects.requireNonNull(tokens, "tokens");
            return new MigrationParticipant(this);
        }

        private static Duration positive(String name, Duration v) {
            if (v == null || v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + v);
            }
            return v;
        }
    }
}
