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
import java.util.Objects;
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
    private final Duration frozenTimeout;
    private final Duration staleTimeout;

    private MigrationParticipant(Builder b) {
        ParticipantContext ctx = new ParticipantContext(b.sessions.workerId(), b.sessions, b.handlers, b.transfer,
                b.tokens, new DeltaSealer(b.transfer.encryption()), b.clock);
        this.ctx = ctx;
        this.source = new SourceRole(ctx);
        this.target = new TargetRole(ctx);
        this.clock = b.clock;
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
    public Delta freeze(DeltaRequest request) {
        return guarded(() -> source.freeze(request));
    }

    @Override
    public Ack commit(Commit request) {
        return guarded(() -> target.commit(request));
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
            java.util.Map<String, Long> held = new java.util.HashMap<>();
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

    private static <T> T guarded(Supplier<T> step) {
        try {
            return step.get();
        } catch (MigrationException e) {
            throw MigrationFailures.toRpc(e);
        }
    }

    /** Configuration of a participant; sessions, transfer and tokens are required. */
    public static final class Builder {
        private SessionManager sessions;
        private StateHandlers handlers = StateHandlers.none();
        private SnapshotTransfer transfer;
        private MigrationTokenManager tokens;
        private Clock clock = Clock.systemUTC();
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
