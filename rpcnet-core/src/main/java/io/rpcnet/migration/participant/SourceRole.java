package io.rpcnet.migration.participant;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.serialization.SerializedSnapshot;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import io.rpcnet.migration.serialization.SnapshotChunk;
import io.rpcnet.migration.wire.MigrationProtocol.Ack;
import io.rpcnet.migration.wire.MigrationProtocol.BaseExport;
import io.rpcnet.migration.wire.MigrationProtocol.ChunkRange;
import io.rpcnet.migration.wire.MigrationProtocol.Chunks;
import io.rpcnet.migration.wire.MigrationProtocol.Delta;
import io.rpcnet.migration.wire.MigrationProtocol.DeltaRequest;
import io.rpcnet.migration.wire.MigrationProtocol.ExportBase;
import io.rpcnet.migration.wire.MigrationProtocol.HandOver;
import io.rpcnet.migration.wire.SessionSnapshots;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionDelta;
import io.rpcnet.session.SessionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The source half of {@link MigrationParticipant}: exports a session it owns (base snapshot, catch-up
 * deltas), freezes it for the cut-over, hands it over after the commit, or unfreezes it on abort.
 */
final class SourceRole {

    private static final Logger log = LoggerFactory.getLogger(SourceRole.class);

    private final ParticipantContext ctx;
    private final Map<String, OutgoingMigration> byMigration = new ConcurrentHashMap<>();
    private final Map<String, String> bySession = new ConcurrentHashMap<>();

    SourceRole(ParticipantContext ctx) {
        this.ctx = ctx;
    }

    BaseExport exportBase(ExportBase r) {
        if (!ctx.workerId().equals(r.sourceWorker())) {
            throw new MigrationException(MigrationError.SOURCE_UNAVAILABLE, "export of session '" + r.sessionId()
                    + "' from '" + r.sourceWorker() + "' was sent to worker '" + ctx.workerId() + "'");
        }
        ctx.tokens().verify(r.token(), r.migrationId(), r.sessionId(), r.sourceWorker(), r.targetWorker());
        RpcSession session = ctx.sessions().find(r.sessionId()).orElseThrow(() -> new MigrationException(
                MigrationError.SOURCE_UNAVAILABLE, "worker '" + ctx.workerId() + "' does not hold session '"
                + r.sessionId() + "'"));
        if (session.epoch() != r.expectedEpoch()) {
            throw new MigrationException(MigrationError.SOURCE_UNAVAILABLE, "session '" + r.sessionId()
                    + "' is at epoch " + session.epoch() + " here, the director expected " + r.expectedEpoch());
        }
        OutgoingMigration m = new OutgoingMigration(r.migrationId(), r.sessionId(), r.targetWorker(), ctx.nowMillis());
        String other = bySession.putIfAbsent(r.sessionId(), r.migrationId());
        if (other != null && !other.equals(r.migrationId())) {
            throw new MigrationException(MigrationError.ALREADY_MIGRATING, "session '" + r.sessionId()
                    + "' is already being exported by migration '" + other + "'");
        }
        byMigration.put(r.migrationId(), m);
        try {
            SessionState state = session.state();
            SessionSnapshot snapshot = SessionSnapshots.capture(state, ctx.handlers(), ctx.now());
            SerializedSnapshot sealed = ctx.transfer().seal(snapshot, m.binding);
            synchronized (m) {
                m.sealed = sealed;
            }
            log.debug("migration {}: sealed session {} at version {} ({} bytes, {} chunks) for {}", r.migrationId(),
                    r.sessionId(), state.version(), snapshot.encodedSize(), sealed.chunks().size(), r.targetWorker());
            return new BaseExport(snapshot.version(), snapshot.encodedSize(), sealed.manifest().encode(),
                    sealed.chunks().size(), sealed.digest().toByteArray(),
                    frames(sealed, 0, Math.max(0, r.inlineBytes())));
        } catch (RuntimeException e) {
            forget(m);
            throw e;
        }
    }

    Chunks exportChunks(ChunkRange r) {
        OutgoingMigration m = require(r.migrationId());
        SerializedSnapshot sealed;
        synchronized (m) {
            sealed = m.sealed;
        }
        if (sealed == null || r.from() < 0 || r.from() >= sealed.chunks().size()) {
            throw new MigrationException(MigrationError.ABORTED, "migration '" + r.migrationId()
                    + "' has no chunk " + r.from());
        }
        return new Chunks(r.from(), frames(sealed, r.from(), Math.max(1, r.maxBytes())));
    }

    Delta exportDelta(DeltaRequest r) {
        OutgoingMigration m = require(r.migrationId());
        RpcSession session = session(m);
        synchronized (m) {
            m.sealed = null; // the target has the base copy by now
        }
        SessionDelta d = session.changesSince(r.fromVersion());
        if (d.truncated()) {
            return new Delta(d.fromVersion(), d.toVersion(), true, null);
        }
        return new Delta(d.fromVersion(), d.toVersion(), false, ctx.sealer().sealCatchUp(m.binding, d));
    }

    Delta freeze(DeltaRequest r) {
        OutgoingMigration m = require(r.migrationId());
        RpcSession session = session(m);
        synchronized (m) {
            if (!m.frozen) {
                ctx.sessions().freeze(m.sessionId);
                m.frozen = true;
                m.frozenAtMillis = ctx.nowMillis();
            }
        }
        SessionDelta d = session.changesSince(r.fromVersion());
        if (d.truncated()) {
            return new Delta(d.fromVersion(), d.toVersion(), true, null);
        }
        SessionSnapshot app = ctx.handlers().captureInto(m.sessionId,
                SessionSnapshot.builder(m.sessionId).capturedAt(ctx.now())).build();
        Map<String, Bytes> appState = app.applicationState();
        return new Delta(d.fromVersion(), d.toVersion(), false, ctx.sealer().sealFinal(m.binding, d, appState));
    }

    Ack handOver(HandOver r) {
        OutgoingMigration m = require(r.migrationId());
        synchronized (m) {
            if (!m.frozen) {
                throw new MigrationException(MigrationError.ABORTED, "migration '" + r.migrationId()
                        + "' cannot hand over session '" + m.sessionId + "': it was never frozen");
            }
            if (!m.targetWorker.equals(r.newOwner())) {
                throw new MigrationException(MigrationError.INVALID_TOKEN, "migration '" + r.migrationId()
                        + "' moves to '" + m.targetWorker + "', not '" + r.newOwner() + "'");
            }
            ctx.sessions().handOver(m.sessionId, r.newOwner(), r.newEpoch());
        }
        forget(m);
        ctx.handlers().discard(m.sessionId);
        log.info("migration {}: session {} handed over to {} at epoch {}", m.migrationId, m.sessionId,
                r.newOwner(), r.newEpoch());
        return new Ack(r.newEpoch());
    }

    /** Unfreezes and forgets; returns whether this side knew the migration. */
    boolean abort(String migrationId, String reason) {
        OutgoingMigration m = byMigration.get(migrationId);
        if (m == null) {
            return false;
        }
        synchronized (m) {
            if (m.frozen) {
                ctx.sessions().unfreeze(m.sessionId);
                m.frozen = false;
            }
            m.sealed = null;
        }
        forget(m);
        log.info("migration {}: aborted on the source, session {} keeps being served here ({})", migrationId,
                m.sessionId, reason);
        return true;
    }

    /** Aborts exports nobody finished: frozen longer than {@code frozenMillis}, or older than {@code staleMillis}. */
    int sweep(long nowMillis, long frozenMillis, long staleMillis) {
        int n = 0;
        for (OutgoingMigration m : List.copyOf(byMigration.values())) {
            boolean abandoned;
            synchronized (m) {
                abandoned = (m.frozen && nowMillis - m.frozenAtMillis >= frozenMillis)
                        || nowMillis - m.startedAtMillis >= staleMillis;
            }
            if (abandoned && abort(m.migrationId, "abandoned by the coordinator")) {
                log.warn("migration {}: abandoned by its coordinator; session {} unfrozen", m.migrationId, m.sessionId);
                n++;
            }
        }
        return n;
    }

    int active() {
        return byMigration.size();
    }

    private RpcSession session(OutgoingMigration m) {
        return ctx.sessions().find(m.sessionId).orElseThrow(() -> new MigrationException(
                MigrationError.SOURCE_UNAVAILABLE, "session '" + m.sessionId + "' is no longer held by worker '"
                + ctx.workerId() + "'"));
    }

    private OutgoingMigration require(String migrationId) {
        OutgoingMigration m = migrationId == null ? null : byMigration.get(migrationId);
        if (m == null) {
            throw new MigrationException(MigrationError.ABORTED, "worker '" + ctx.workerId()
                    + "' is not exporting for migration '" + migrationId + "' (never started, or aborted)");
        }
        return m;
    }

    private void forget(OutgoingMigration m) {
        byMigration.remove(m.migrationId, m);
        bySession.remove(m.sessionId, m.migrationId);
    }

    private static List<byte[]> frames(SerializedSnapshot sealed, int from, long maxBytes) {
        List<SnapshotChunk> chunks = sealed.chunks();
        List<byte[]> out = new ArrayList<>();
        long bytes = 0;
        if (maxBytes <= 0) {
            return out;
        }
        for (int i = from; i < chunks.size(); i++) {
            SnapshotChunk c = chunks.get(i);
            if (!out.isEmpty() && bytes + c.payloadSize() > maxBytes) {
                break; // at least one chunk per batch, then only while under the limit
            }
            out.add(c.toFrame());
            bytes += c.payloadSize();
        }
        return out;
    }
}
