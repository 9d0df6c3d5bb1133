package io.rpcnet.migration.participant;

import io.rpcnet.migration.crypto.CipherBinding;
import io.rpcnet.migration.serialization.SerializedSnapshot;

/**
 * The source side of one migration on a worker: the session being exported, the sealed base snapshot
 * (kept until the target has all of it or the migration ends) and whether the session is frozen for the
 * cut-over. Guarded by its own monitor.
 */
final class OutgoingMigration {

    final String migrationId;
    final String sessionId;
    final String targetWorker;
    final CipherBinding binding;
    final long startedAtMillis;
    SerializedSnapshot sealed;
    boolean frozen;
    long frozenAtMillis;

    OutgoingMigration(String migrationId, String sessionId, String targetWorker, long nowMillis) {
        this.migrationId = migrationId;
        this.sessionId = sessionId;
        this.targetWorker = targetWorker;
        this.binding = new CipherBinding(migrationId, sessionId);
        this.startedAtMillis = nowMillis;
    }

    @Override
    public String toString() {
        return "OutgoingMigration[" + migrationId + " session=" + sessionId + " -> " + targetWorker
                + (frozen ? " frozen" : "") + "]";
    }
}
