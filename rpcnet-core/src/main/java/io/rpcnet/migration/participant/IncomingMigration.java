package io.rpcnet.migration.participant;

import io.rpcnet.migration.crypto.CipherBinding;
import io.rpcnet.migration.serialization.SnapshotReceiver;
import io.rpcnet.session.RpcSession;

/**
 * The target side of one migration on a worker: the reservation of the session, the snapshot being
 * received, the staged (not yet served) session catch-up deltas are applied to, and whether it has been
 * committed or aborted. Guarded by its own monitor: commit and abort of one migration never interleave.
 */
final class IncomingMigration {

    final String migrationId;
    final String sessionId;
    final String sourceWorker;
    final long expectedEpoch;
    final CipherBinding binding;
    final long startedAtMillis;
    SnapshotReceiver receiver;
    int nextChunk;
    RpcSession staged;
    boolean committed;
    long committedEpoch;
    boolean appStateRestored;
    boolean aborted;

    IncomingMigration(String migrationId, String sessionId, String sourceWorker, long expectedEpoch,
                      long nowMillis) {
        this.migrationId = migrationId;
        this.sessionId = sessionId;
        this.sourceWorker = sourceWorker;
        this.expectedEpoch = expectedEpoch;
        this.binding = new CipherBinding(migrationId, sessionId);
        this.startedAtMillis = nowMillis;
    }

    @Override
    public String toString() {
        return "IncomingMigration[" + migrationId + " session=" + sessionId + " <- " + sourceWorker
                + (committed ? " committed" : aborted ? " aborted" : "") + "]";
    }
}
