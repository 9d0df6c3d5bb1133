package io.rpcnet.migration.participant;

import io.rpcnet.migration.MigrationError;
import io.rpcnet.migration.MigrationException;
import io.rpcnet.migration.serialization.SnapshotManifest;
import io.rpcnet.migration.snapshot.Bytes;
import io.rpcnet.migration.snapshot.SessionSnapshot;
import io.rpcnet.migration.serialization.SnapshotChunk;
import io.rpcnet.migration.wire.DecodedDelta;
import io.rpcnet.migration.wire.MigrationProtocol.Ack;
import io.rpcnet.migration.wire.MigrationProtocol.BaseImport;
import io.rpcnet.migration.wire.MigrationProtocol.Commit;
import io.rpcnet.migration.wire.MigrationProtocol.DeltaApply;
import io.rpcnet.migration.wire.MigrationProtocol.Prepare;
import io.rpcnet.migration.wire.SessionSnapshots;
import io.rpcnet.session.RpcSession;
import io.rpcnet.session.SessionDelta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The target half of {@link MigrationParticipant}: reserves a session, receives and verifies its sealed
 * snapshot into a staged session that serves nothing, applies catch-up deltas, and at commit applies the
 * final delta and application state and starts serving the session at the new epoch; an abort (before or
 * after the commit) leaves nothing behind.
 */
final class TargetRole {

    private static final Logger log = LoggerFactory.getLogger(TargetRole.class);

    private final ParticipantContext ctx;
    private final Map<String, IncomingMigration> byMigration = new ConcurrentHashMap<>();
    private final Map<String, String> bySession = new ConcurrentHashMap<>();

    TargetRole(ParticipantContext ctx) {
        this.ctx = ctx;
    }

    Ack prepare(Prepare p) {
        if (!ctx.workerId().equals(p.targetWorker())) {
            throw new MigrationException(MigrationError.TARGET_UNAVAILABLE, "import of session '" + p.sessionId()
                    + "' into '" + p.targetWorker() + "' was sent to worker '" + ctx.workerId() + "'");
        }
        ctx.tokens().verify(p.token(), p.migrationId(), p.sessionId(), p.sourceWorker(), p.targetWorker());
        String other = bySession.putIfAbsent(p.sessionId(), p.migrationId());
        if (other != null && !other.equals(p.migrationId())) {
            throw new MigrationException(MigrationError.ALREADY_MIGRATING, "worker '" + ctx.workerId()
                    + "' is already importing session '" + p.sessionId() + "' for migration '" + other + "'");
        }
        byMigration.putIfAbsent(p.migrationId(), new IncomingMigration(p.migrationId(), p.sessionId(),
                p.sourceWorker(), p.expectedEpoch(), ctx.nowMillis()));
        log.debug("migration {}: worker {} reserved session {} (from {})", p.migrationId(), ctx.workerId(),
                p.sessionId(), p.sourceWorker());
        return new Ack(0);
    }

    Ack importBase(BaseImport b) {
        IncomingMigration m = require(b.migrationId());
        synchronized (m) {
            ensureOpen(m);
            try {
                if (b.manifest() != null) {
                    if (m.receiver != null) {
                        m.receiver.abort();
                    }
                    m.staged = null;
                    m.nextChunk = 0;
                    m.receiver = ctx.transfer().receiver(m.binding);
                    m.receiver.begin(SnapshotManifest.decode(b.manifest()));
                }
                if (m.receiver == null) {
                    throw corruption(m, "snapshot chunks arrived without a manifest");
                }
                if (b.from() != m.nextChunk) {
                    throw corruption(m, "chunk batch starts at " + b.from() + ", expected " + m.nextChunk);
                }
                for (byte[] frame : b.chunks() == null ? List.<byte[]>of() : b.chunks()) {
                    m.receiver.chunk(SnapshotChunk.fromFrame(frame));
                    m.nextChunk++;
                }
                if (b.digest() == null) {
                    return new Ack(0);
                }
                m.receiver.end(Bytes.copyOf(b.digest()));
                SessionSnapshot snapshot = m.receiver.result();
                m.receiver = null;
                if (snapshot.version() != b.version()) {
                    throw corruption(m, "snapshot is at version " + snapshot.version() + ", the source announced "
                            + b.version());
                }
                m.staged = ctx.sessions().detached(SessionSnapshots.toState(snapshot, ctx.workerId(),
                        m.expectedEpoch));
                log.debug("migration {}: staged session {} at version {}", m.migrationId, m.sessionId,
                        snapshot.version());
                return new Ack(snapshot.version());
            } catch (MigrationException e) {
                dropReceiver(m);
                throw e;
            } catch (RuntimeException e) {
                dropReceiver(m);
                throw corruption(m, "malformed snapshot transfer: " + e.getMessage());
            }
        }
    }

    Ack applyDelta(DeltaApply a) {
        IncomingMigration m = require(a.migrationId());
        synchronized (m) {
            ensureOpen(m);
            RpcSession staged = staged(m);
            DecodedDelta decoded = ctx.sealer().openCatchUp(m.binding, a.fromVersion(), a.toVersion(),
                    a.sealed());
            apply(m, staged, decoded.delta());
            return new Ack(staged.version());
        }
    }

    Ack commit(Commit c) {
        IncomingMigration m = require(c.migrationId());
        synchronized (m) {
            ensureOpen(m);
            if (m.committed) {
                return new Ack(m.committedEpoch); // a retried commit
            }
            if (c.newEpoch() != m.expectedEpoch + 1) {
                throw new MigrationException(MigrationError.ABORTED, "commit of migration '" + m.migrationId
                        + "' at epoch " + c.newEpoch() + ", expected " + (m.expectedEpoch + 1));
            }
            RpcSession staged = staged(m);
            DecodedDelta decoded = ctx.sealer().openFinal(m.binding, c.fromVersion(), c.toVersion(),
                    c.sealed());
            apply(m, staged, decoded.delta());
            Map<String, Bytes> app = decoded.applicationState();
            if (app != null && !app.isEmpty()) {
                SessionSnapshot.Builder withApp = SessionSnapshot.builder(m.sessionId).capturedAt(ctx.now())
                        .version(staged.version());
                app.forEach(withApp::applicationState);
                ctx.handlers().restore(withApp.build()); // all or nothing
                m.appStateRestored = true;
            }
            try {
                ctx.sessions().importState(staged.state().withEpoch(c.newEpoch()));
            } catch (RuntimeException e) {
                if (m.appStateRestored) {
                    ctx.handlers().discard(m.sessionId);
                    m.appStateRestored = false;
                }
                throw new MigrationException(MigrationError.TARGET_UNAVAILABLE, "cannot install session '"
                        + m.sessionId + "': " + e.getMessage(), e);
            }
            m.committed = true;
            m.committedEpoch = c.newEpoch();
            m.staged = null;
            bySession.remove(m.sessionId, m.migrationId);
            log.info("migration {}: worker {} now serves session {} at epoch {} (version {})", m.migrationId,
                    ctx.workerId(), m.sessionId, c.newEpoch(), c.toVersion());
            return new Ack(c.newEpoch());
        }
    }

    /** Discards everything of the migration; returns whether this side knew it. */
    boolean abort(String migrationId, String reason) {
        IncomingMigration m = byMigration.get(migrationId);
        if (m == null) {
            return false;
        }
        synchronized (m) {
            if (m.aborted) {
                return true;
            }
            m.aborted = true;
            dropReceiver(m);
            m.staged = null;
            if (m.committed) {
                ctx.sessions().find(m.sessionId).filter(s -> s.epoch() == m.committedEpoch)
                        .ifPresent(s -> ctx.sessions().remove(s.id()));
            }
            if (m.committed || m.appStateRestored) {
                ctx.handlers().discard(m.sessionId);
            }
        }
        byMigration.remove(migrationId, m);
        bySession.remove(m.sessionId, migrationId);
        log.info("migration {}: aborted on the target {}, session {} discarded ({})", migrationId, ctx.workerId(),
                m.sessionId, reason);
        return true;
    }

    /** Aborts imports older than {@code staleMillis} that were never committed; forgets committed ones. */
    int sweep(long nowMillis, long staleMillis) {
        int n = 0;
        for (IncomingMigration m : List.copyOf(byMigration.values())) {
            if (nowMillis - m.startedAtMillis < staleMillis) {
                continue;
            }
            boolean committed;
            synchronized (m) {
                committed = m.committed;
            }
            if (committed) {
                byMigration.remove(m.migrationId, m); // done: the session is served here
            } else if (abort(m.migrationId, "abandoned by the coordinator")) {
                n++;
            }
        }
        return n;
    }

    int active() {
        return byMigration.size();
    }

    private void apply(IncomingMigration m, RpcSession staged, SessionDelta delta) {
        if (delta.fromVersion() != staged.version()) {
            throw corruption(m, "delta starts at version " + delta.fromVersion() + " but the staged session is at "
                    + staged.version());
        }
        try {
            staged.apply(delta);
        } catch (RuntimeException e) {
            throw corruption(m, "delta " + delta.fromVersion() + ".." + delta.toVersion() + " cannot be applied: "
                    + e.getMessage());
        }
    }

    private RpcSession staged(IncomingMigration m) {
        if (m.staged == null) {
            throw new MigrationException(MigrationError.ABORTED, "migration '" + m.migrationId
                    + "' has no complete base copy on worker '" + ctx.workerId() + "'");
        }
        return m.staged;
    }

    private void ensureOpen(IncomingMigration m) {
        if (m.aborted) {
            throw new MigrationException(MigrationError.ABORTED, "migration '" + m.migrationId + "' was aborted");
        }
    }

    private static void dropReceiver(IncomingMigration m) {
        if (m.receiver != null) {
            m.receiver.abort();
            m.receiver = null;
        }
    }

    private MigrationException corruption(IncomingMigration m, String detail) {
        return new MigrationException(MigrationError.STATE_CORRUPTION, "migration '" + m.migrationId + "' of session '"
                + m.sessionId + "': " + detail);
    }

    private IncomingMigration require(String migrationId) {
        IncomingMigration m = migrationId == null ? null : byMigration.get(migrationId);
        if (m == null) {
            throw new MigrationException(MigrationError.ABORTED, "worker '" + ctx.workerId()
                    + "' is not importing for migration '" + migrationId + "' (never prepared, or aborted)");
        }
        return m;
    }
}
